package io.rollbackguard.bench;

import static io.rollbackguard.bench.FleetBenchmark.await;
import static io.rollbackguard.bench.FleetBenchmark.pause;
import static io.rollbackguard.bench.FleetBenchmark.say;
import static io.rollbackguard.bench.FleetBenchmark.secondsSince;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.cli.demo.EmbeddedKubernetes;
import io.rollbackguard.cli.demo.SimulatedCluster;
import io.rollbackguard.policy.PolicyYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * The soak (bounded memory over time): the operator jar, run as its own process against the Fabric8 mock server,
 * sees P RollbackPolicies and their P Deployments created and deleted, cycle after cycle. A cycle: create policies
 * {@code p-000..} (each selecting its own Deployment, {@code app: d-NNN}), create the Deployments
 * ({@code SimulatedCluster.deploy}, 1 replica, an image of their own per cycle), wait until every Deployment has a
 * RolloutVerdict with a status, delete the policies, the Deployments and their ReplicaSets and Pods (the mock has no
 * garbage collector), wait until every verdict is gone, settle, and read the operator's heap after a full GC (jcmd).
 * One warm-up cycle gives the baseline; the heap after the last cycle is compared with it. Prints a Markdown table,
 * and the classes whose live bytes grew most between the baseline and the end (jcmd GC.class_histogram).
 * Not a test: run it by hand (docs/benchmarks.md).
 *
 * <pre>
 * java -Xmx2g -cp target/classes:target/test-classes:$(cat /tmp/cp.txt) io.rollbackguard.bench.SoakBenchmark \
 *     --policies 500 --cycles 10 [--operator-xmx 512m] [--settle-seconds 10] [--timeout-minutes 40] \
 *     [--window 5m] [--interval 15s] [--pods-first] [--unique-names] [--wait-seconds 300] [--log FILE]
 * </pre>
 */
public final class SoakBenchmark implements GuardedRun.Benchmark {
  static final String NS = "soak";
  /** JOSDK's TemporaryResourceCache keeps the uid of every deleted resource for 20 min in a LinkedHashMap. */
  static final String LINKED_ENTRY = "java.util.LinkedHashMap$Entry";
  /** JOSDK's DefaultPrimaryToSecondaryIndex keeps secondary ResourceIDs per primary. */
  static final String RESOURCE_ID = "io.javaoperatorsdk.operator.processing.event.ResourceID";

  // options
  int policies = 500;
  int cycles = 10;
  Path jar = Path.of("target/rollback-guard.jar");
  String operatorXmx = "512m";
  long timeoutMinutes = 40;
  long waitSeconds = 300;
  long settleSeconds = 10;
  String window = "5m";
  String interval = "15s";
  int histogramTop = 12;
  boolean podsFirst;
  boolean uniqueNames;
  Path log = Path.of("target/soak-benchmark.log");

  // state
  final List<String[]> cycleRows = new ArrayList<>();
  final List<String> notes = new ArrayList<>();
  final List<String> problems = new ArrayList<>();

  @Override
  public List<String> problems() {
    return problems;
  }

  @Override
  public FleetBenchmark.StubPrometheus prometheus() {
    return prometheus;
  }

  @Override
  public EmbeddedKubernetes k8s() {
    return k8s;
  }
  volatile OperatorProcess operator;
  EmbeddedKubernetes k8s;
  KubernetesClient client;
  FleetBenchmark.StubPrometheus prometheus;
  SimulatedCluster cluster;
  Map<String, OperatorProcess.ClassCount> baselineHistogram;
  Map<String, OperatorProcess.ClassCount> lastHistogram;
  double baselineMiB = -1;
  double lastMiB = -1;
  int measured;
  long soakStartedAt;

  public static void main(String[] args) throws Exception {
    SoakBenchmark b = new SoakBenchmark();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--policies" -> b.policies = Integer.parseInt(args[++i]);
        case "--cycles" -> b.cycles = Integer.parseInt(args[++i]);
        case "--jar" -> b.jar = Path.of(args[++i]);
        case "--operator-xmx" -> b.operatorXmx = args[++i];
        case "--timeout-minutes" -> b.timeoutMinutes = Long.parseLong(args[++i]);
        case "--wait-seconds" -> b.waitSeconds = Long.parseLong(args[++i]);
        case "--settle-seconds" -> b.settleSeconds = Long.parseLong(args[++i]);
        case "--window" -> b.window = args[++i];
        case "--interval" -> b.interval = args[++i];
        case "--histogram-top" -> b.histogramTop = Integer.parseInt(args[++i]);
        case "--pods-first" -> b.podsFirst = true;
        case "--unique-names" -> b.uniqueNames = true;
        case "--log" -> b.log = Path.of(args[++i]);
        default -> {
          System.err.println("unknown option " + args[i]);
          System.exit(2);
        }
      }
    }
    GuardedRun.main(b, b.timeoutMinutes);
  }

  /** {@code p-NNN}, or {@code p-cCC-NNN} with --unique-names. */
  String policy(int c, int i) {
    return uniqueNames ? String.format(Locale.ROOT, "p-c%02d-%03d", c, i) : String.format(Locale.ROOT, "p-%03d", i);
  }

  /** {@code d-NNN}, or {@code d-cCC-NNN} with --unique-names. */
  String deployment(int c, int i) {
    return uniqueNames ? String.format(Locale.ROOT, "d-c%02d-%03d", c, i) : String.format(Locale.ROOT, "d-%03d", i);
  }

  @Override
  public void run() throws Exception {
    long t0 = System.nanoTime();
    k8s = EmbeddedKubernetes.start();
    client = k8s.client();
    prometheus = new FleetBenchmark.StubPrometheus();
    cluster = new SimulatedCluster(client);
    operator = OperatorProcess.start(jar, operatorXmx, k8s.url(), NS, log);
    say("mock server " + k8s.url() + ", stub Prometheus " + prometheus.url() + "; operator pid " + operator.pid()
        + ": " + String.join(" ", operator.command) + " (log " + log + ")");
    operator.awaitWatching(120);
    OperatorProcess.Heap empty = operator.heapAfterFullGc();
    notes.add("Heap of the operator watching an empty namespace (after start-up, before the warm-up): "
        + empty.describe(operatorXmx) + ".");

    soakStartedAt = System.nanoTime();
    for (int c = 0; c <= cycles; c++) {
      OperatorProcess.Heap heap = cycle(c);
      if (heap.usedKiB() < 0) {
        throw new IllegalStateException("could not read the heap from jcmd GC.heap_info: " + heap.raw());
      }
      if (c == 0) {
        baselineMiB = heap.usedMiB();
        baselineHistogram = lastHistogram;
        notes.add("Baseline (after the warm-up cycle): " + heap.describe(operatorXmx) + ".");
      } else {
        lastMiB = heap.usedMiB();
        measured = c;
      }
    }
    // more than one watch per resource: the operator watched again (the mock replays nothing in between)
    notes.add("Operator watches opened, by resource: " + new TreeMap<>(k8s.operatorWatchesOpened()) + ".");
    notes.add(String.format(Locale.ROOT, "Whole run %.0f s; the mock served %,d requests.", secondsSince(t0),
        k8s.requests().size()));
  }

  /** One cycle; returns the heap after a full GC once everything it created is gone again. */
  OperatorProcess.Heap cycle(int c) throws Exception {
    String label = c == 0 ? "warm-up" : Integer.toString(c);
    say("cycle " + label + ": " + policies + " policies and Deployments");
    long started = System.nanoTime();
    double cpu0 = operator.cpuSeconds();
    int requests0 = k8s.requests().size();
    int prom0 = prometheus.total.get();

    for (int i = 0; i < policies; i++) {
      client.resources(RollbackPolicy.class).resource(PolicyYaml.parse("""
          apiVersion: rollbackguard.io/v1alpha1
          kind: RollbackPolicy
          metadata: {name: %s, namespace: %s}
          spec:
            selector: {matchLabels: {app: %s}}
            prometheus: {url: '%s'}
            observation: {window: %s, interval: %s}
            tiers:
              immediate:
                errorRate: {above: 0.05, for: %s}
              rapid:
                errorRate: {above: 0.01, for: %s}
            """.formatted(policy(c, i), NS, deployment(c, i), prometheus.url(), window, interval, interval, interval)))
          .create();
    }
    for (int i = 0; i < policies; i++) {
      // an image of its own, new each cycle: ReplicaSet and Pod names differ from one cycle to the next, as the
      // pod-template-hash of a real re-created Deployment would not, but so that state kept by their name shows
      cluster.deploy(NS, deployment(c, i), Map.of("app", deployment(c, i)), 1,
          Map.of("app", "registry/" + deployment(c, i) + ":c" + c));
    }
    double createdSeconds = secondsSince(started);

    Map<String, Integer> phases = new TreeMap<>();
    awaitOrDiagnose("every Deployment to have a verdict with a status (cycle " + label + ")", () -> {
      long s = System.nanoTime();
      List<RolloutVerdict> vs = verdicts();
      long ms = (System.nanoTime() - s) / 1_000_000;
      pause(500, ms);
      phases.clear();
      vs.forEach(v -> phases.merge(v.getStatus() == null || v.getStatus().phase == null ? "(none)"
          : v.getStatus().phase.toString(), 1, Integer::sum));
      return vs.size() >= policies && !phases.containsKey("(none)");
    });
    double verdictsSeconds = secondsSince(started);
    String phasesSeen = phases.toString();

    long deleting = System.nanoTime();
    for (int i = 0; i < policies; i++) {
      client.resources(RollbackPolicy.class).inNamespace(NS).withName(policy(c, i)).delete();
    }
    for (int i = 0; i < policies; i++) {
      client.apps().deployments().inNamespace(NS).withName(deployment(c, i)).delete();
    }
    // By default the ReplicaSets go before their Pods, as a real cluster's garbage collector deletes an owner
    // before its dependents (background propagation).
    if (podsFirst) {
      deletePods();
    }
    for (ReplicaSet rs : client.apps().replicaSets().inNamespace(NS).list().getItems()) {
      client.apps().replicaSets().resource(rs).delete();
    }
    if (!podsFirst) {
      deletePods();
    }
    awaitOrDiagnose("every verdict to be gone (cycle " + label + ")", () -> {
      long s = System.nanoTime();
      int left = verdicts().size();
      pause(500, (System.nanoTime() - s) / 1_000_000);
      return left == 0;
    });
    double goneSeconds = secondsSince(deleting);
    int leftOver = client.resources(RollbackPolicy.class).inNamespace(NS).list().getItems().size()
        + client.apps().deployments().inNamespace(NS).list().getItems().size()
        + client.apps().replicaSets().inNamespace(NS).list().getItems().size()
        + client.pods().inNamespace(NS).list().getItems().size();
    if (leftOver > 0) {
      problems.add("cycle " + label + ": " + leftOver + " policies, Deployments, ReplicaSets or Pods left on the mock");
    }
    double wall = secondsSince(started);
    double cpu = operator.cpuSeconds() - cpu0;
    int operatorRequests = (int) k8s.requests().subList(requests0, k8s.requests().size()).stream()
        .filter(EmbeddedKubernetes.Request::fromOperator).count();
    int promRequests = prometheus.total.get() - prom0;

    Thread.sleep(settleSeconds * 1000);
    OperatorProcess.Heap heap = operator.heapAfterFullGc();
    lastHistogram = operator.classHistogram();
    String vsBaseline = baselineMiB < 0 ? "(baseline)"
        : String.format(Locale.ROOT, "%+.1f %%", (heap.usedMiB() - baselineMiB) / baselineMiB * 100);
    cycleRows.add(new String[] {label, String.format(Locale.ROOT, "%.1f", secondsSince(soakStartedAt) / 60),
        String.format(Locale.ROOT, "%.1f", heap.usedMiB()), vsBaseline,
        String.format(Locale.ROOT, "%,d / %,d", instances(LINKED_ENTRY), instances(RESOURCE_ID)),
        String.format(Locale.ROOT, "%.0f s", wall),
        String.format(Locale.ROOT, "%.0f s / %.0f s / %.0f s", createdSeconds, verdictsSeconds, goneSeconds),
        String.format(Locale.ROOT, "%.1f s", cpu),
        String.format(Locale.ROOT, "%,d", operatorRequests), String.format(Locale.ROOT, "%,d", promRequests),
        phasesSeen});
    say(String.format(Locale.ROOT, "cycle %s: heap %.1f MiB (%s), %.0f s, operator CPU %.1f s, verdicts %s",
        label, heap.usedMiB(), vsBaseline, wall, cpu, phasesSeen));
    return heap;
  }

  /** Waits as {@link FleetBenchmark#await} does; on a timeout, says what the mock holds and dumps the operator's
   * threads next to its log. */
  void awaitOrDiagnose(String what, BooleanSupplier done) throws Exception {
    try {
      await(what, waitSeconds, () -> {
        if (!operator.process.isAlive()) {
          throw new IllegalStateException("the operator exited with " + operator.process.exitValue()
              + " while waiting for " + what);
        }
        return done.getAsBoolean();
      }, 1);
    } catch (IllegalStateException e) {
      Map<String, Integer> phases = new TreeMap<>();
      verdicts().forEach(v -> phases.merge(v.getStatus() == null || v.getStatus().phase == null ? "(no status)"
          : v.getStatus().phase.toString(), 1, Integer::sum));
      List<RollbackPolicy> ps = client.resources(RollbackPolicy.class).inNamespace(NS).list().getItems();
      long withStatus = ps.stream().filter(p -> p.getStatus() != null).count();
      Path threads = Path.of(log.toString().replaceAll("\\.log$", "") + "-threads.txt");
      String alive = operator.process.isAlive() ? "alive" : "exited " + operator.process.exitValue();
      if (operator.process.isAlive()) {
        Files.writeString(threads, operator.jcmd("Thread.print"));
      }
      // Which Deployments lack a verdict with a status, and what their verdict and policy look like.
      Map<String, io.rollbackguard.api.RolloutVerdict> byName = new TreeMap<>();
      verdicts().forEach(v -> byName.put(v.getMetadata().getName(), v));
      StringBuilder missing = new StringBuilder();
      client.apps().deployments().inNamespace(NS).list().getItems().stream()
          .filter(d -> byName.get(d.getMetadata().getName()) == null
              || byName.get(d.getMetadata().getName()).getStatus() == null)
          .limit(10).forEach(d -> {
            var v = byName.get(d.getMetadata().getName());
            var policy = ps.stream().filter(p -> java.util.Objects.equals(p.getSpec().selector.getMatchLabels(),
                d.getMetadata().getLabels())).findFirst().orElse(null);
            missing.append("\n  - Deployment ").append(d.getMetadata().getName()).append(" (created ")
                .append(d.getMetadata().getCreationTimestamp()).append(", uid ").append(d.getMetadata().getUid())
                .append("): verdict ").append(v == null ? "none" : "rv " + v.getMetadata().getResourceVersion()
                    + " created " + v.getMetadata().getCreationTimestamp() + ", no status")
                .append("; policy ").append(policy == null ? "none selects it" : policy.getMetadata().getName()
                    + " (created " + policy.getMetadata().getCreationTimestamp() + ", status "
                    + (policy.getStatus() == null ? "none" : "targets " + policy.getStatus().targets
                        + ", reason " + policy.getStatus().reason) + ")");
          });
      problems.add("Deployments without a verdict with a status:" + missing);
      problems.add("at the timeout: verdicts " + phases + "; policies " + ps.size() + " (" + withStatus
          + " with a status); Deployments " + client.apps().deployments().inNamespace(NS).list().getItems().size()
          + "; operator " + alive + " (threads in " + threads + "); last log lines:\n\n```\n" + operator.tail()
          + "\n```");
      throw e;
    }
  }

  void deletePods() {
    for (Pod p : client.pods().inNamespace(NS).list().getItems()) {
      client.pods().resource(p).delete();
    }
  }

  long instances(String className) {
    OperatorProcess.ClassCount c = lastHistogram == null ? null : lastHistogram.get(className);
    return c == null ? 0 : c.instances();
  }

  /** The classes whose live bytes grew most, with their growth in instances. */
  String growth(Map<String, OperatorProcess.ClassCount> before, Map<String, OperatorProcess.ClassCount> after) {
    Map<String, long[]> delta = new LinkedHashMap<>();
    after.forEach((k, v) -> {
      OperatorProcess.ClassCount b = before.getOrDefault(k, new OperatorProcess.ClassCount(0, 0));
      delta.put(k, new long[] {v.bytes() - b.bytes(), v.instances() - b.instances()});
    });
    before.forEach((k, v) -> delta.putIfAbsent(k, new long[] {-v.bytes(), -v.instances()}));
    long total = delta.values().stream().mapToLong(d -> d[0]).sum();
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "all classes %+,d B; ", total));
    delta.entrySet().stream().filter(e -> e.getValue()[0] > 0)
        .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).limit(histogramTop)
        .forEach(e -> sb.append(String.format(Locale.ROOT, "`%s` %+,d B / %+,d; ", e.getKey(), e.getValue()[0],
            e.getValue()[1])));
    return sb.substring(0, sb.length() - 2);
  }

  List<RolloutVerdict> verdicts() {
    return client.resources(RolloutVerdict.class).inNamespace(NS).list().getItems();
  }

  @Override
  public boolean killOperator() {
    OperatorProcess p = operator;
    return p == null || p.kill();
  }

  @Override
  public void scanLog() {
    try {
      OperatorProcess.LogScan scan = OperatorProcess.scanLog(log, l -> l.replaceAll("[pd]-(c\\d+-)?\\d{3}", "X"));
      notes.add("Operator log: " + scan.warn() + " WARN / " + scan.error() + " ERROR / " + scan.exceptions()
          + " other lines naming an exception, of " + scan.lines() + " lines.");
      scan.kinds().entrySet().stream().limit(12).forEach(k -> problems.add("log ×" + k.getValue() + ": "
          + (k.getKey().length() > 300 ? k.getKey().substring(0, 300) + "…" : k.getKey())));
    } catch (IOException e) {
      problems.add("cannot read the operator log: " + e.getMessage());
    }
  }

  @Override
  public synchronized void print() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%n### Soak: %d policies and Deployments created and deleted, a warm-up "
        + "and %d cycles (%d cores, %s %s, operator -Xmx%s, observation window %s, interval %s, settle %d s, %s, "
        + "%s)%n%n",
        policies, cycles, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
        System.getProperty("java.version"), operatorXmx, window, interval, settleSeconds,
        podsFirst ? "Pods deleted before their ReplicaSets" : "ReplicaSets deleted before their Pods",
        uniqueNames ? "new names each cycle" : "the same names each cycle"));
    sb.append("| cycle | end, min from warm-up start | heap after full GC (MiB) | vs baseline "
        + "| live LinkedHashMap$Entry / ResourceID | wall "
        + "| created / all verdicts / verdicts gone (from cycle start, gone from the deletes) "
        + "| operator CPU | operator requests | Prometheus requests | verdict phases |\n"
        + "|---|---|---|---|---|---|---|---|---|---|---|\n");
    cycleRows.forEach(r -> sb.append("| ").append(String.join(" | ", r)).append(" |\n"));
    if (baselineMiB > 0 && lastMiB > 0) {
      double pct = (lastMiB - baselineMiB) / baselineMiB * 100;
      sb.append(String.format(Locale.ROOT, "%nEnd (after cycle %d) vs baseline: %.1f MiB vs %.1f MiB, %+.1f %%: "
          + "target ±10 %% %s.%n", measured, lastMiB, baselineMiB, pct, Math.abs(pct) <= 10 ? "met" : "**missed**"));
    }
    sb.append('\n');
    notes.forEach(s -> sb.append("- ").append(s).append('\n'));
    if (baselineHistogram != null && lastHistogram != null && measured > 0) {
      sb.append("- Live classes that grew most from the baseline to cycle ").append(measured)
          .append(" (jcmd GC.class_histogram, bytes / instances): ")
          .append(growth(baselineHistogram, lastHistogram)).append(".\n");
    }
    if (!problems.isEmpty()) {
      sb.append("\nProblems seen:\n\n");
      problems.stream().limit(40).forEach(s -> sb.append("- ").append(s).append('\n'));
    }
    System.out.println(sb);
    System.out.flush();
  }
}
