package io.rollbackguard.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.cli.demo.EmbeddedKubernetes;
import io.rollbackguard.cli.demo.SimulatedCluster;
import io.rollbackguard.policy.PolicyYaml;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fleet benchmark: the operator jar, run as its own process, guarding N Deployments on the Fabric8 mock server
 * (in this JVM) with a stub Prometheus (also in this JVM). Measures the operator process's CPU (from /proc) and heap
 * (jcmd, after a full GC), how long until every Deployment has a verdict, idle CPU, and a rollout wave (10% of the
 * fleet rolling, 1% bad): time to RollbackImmediate, false rollbacks, samples on time, Prometheus queries per grid
 * instant; then the status sizes. Prints a Markdown table. Not a test: run it by hand (docs/benchmarks.md).
 *
 * <pre>
 * java -Xmx3g -cp target/classes:target/test-classes:$(cat /tmp/cp.txt) io.rollbackguard.bench.FleetBenchmark \
 *     --deployments 1000 [--jar target/rollback-guard.jar] [--operator-xmx 512m] [--timeout-minutes 40]
 * </pre>
 */
public final class FleetBenchmark implements GuardedRun.Benchmark {
  static final String NS = "bench";
  static final String POLICY = "fleet";
  static final long INTERVAL_MS = 2_000;
  static final long WINDOW_MS = 30_000;

  // options
  int n = 1000;
  Path jar = Path.of("target/rollback-guard.jar");
  String operatorXmx = "512m";
  long timeoutMinutes = 40;
  long idleSeconds = 30;
  long verdictsTimeoutSeconds = -1;
  Path log;

  // state
  final Map<String, String[]> rows = new LinkedHashMap<>();
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
  StubPrometheus prometheus;

  public static void main(String[] args) throws Exception {
    FleetBenchmark b = new FleetBenchmark();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--deployments" -> b.n = Integer.parseInt(args[++i]);
        case "--jar" -> b.jar = Path.of(args[++i]);
        case "--operator-xmx" -> b.operatorXmx = args[++i];
        case "--timeout-minutes" -> b.timeoutMinutes = Long.parseLong(args[++i]);
        case "--idle-seconds" -> b.idleSeconds = Long.parseLong(args[++i]);
        case "--verdicts-timeout-seconds" -> b.verdictsTimeoutSeconds = Long.parseLong(args[++i]);
        case "--log" -> b.log = Path.of(args[++i]);
        default -> {
          System.err.println("unknown option " + args[i]);
          System.exit(2);
        }
      }
    }
    if (b.log == null) {
      b.log = Path.of("target/fleet-benchmark-" + b.n + ".log");
    }
    if (b.verdictsTimeoutSeconds < 0) {
      b.verdictsTimeoutSeconds = Math.max(180, b.n * 15L / 100); // 1,500 s at 10,000: far beyond the target
    }
    GuardedRun.main(b, b.timeoutMinutes);
  }

  static String name(int i) {
    return String.format(Locale.ROOT, "web-%05d", i);
  }

  static boolean rolling(int i) {
    return i % 10 == 0;
  }

  static boolean bad(int i) {
    return i % 100 == 0;
  }

  void row(String measure, String value, String target, String met) {
    rows.put(measure, new String[] {value, target, met});
  }

  static void say(String s) {
    System.err.printf(Locale.ROOT, "[%tT] %s%n", System.currentTimeMillis(), s);
  }

  @Override
  public void run() throws Exception {
    long t0 = System.nanoTime();
    k8s = EmbeddedKubernetes.start();
    client = k8s.client();
    prometheus = new StubPrometheus();
    SimulatedCluster cluster = new SimulatedCluster(client);
    say("mock server " + k8s.url() + ", stub Prometheus " + prometheus.url() + "; creating " + n + " Deployments");

    // 1. the fleet, and the policy
    long created = System.nanoTime();
    for (int i = 0; i < n; i++) {
      // One image per Deployment: SimulatedCluster derives the pod-template-hash from the images alone, so the
      // same image everywhere would give every Deployment's pods one hash (a real cluster hashes the whole
      // template, labels included, so no two Deployments share one).
      cluster.deploy(NS, name(i), Map.of("tier", "web"), 3, Map.of("app", "registry/" + name(i) + ":v1"));
      if ((i + 1) % Math.max(1, n / 10) == 0) {
        say("  " + (i + 1) + " Deployments");
      }
    }
    double createSeconds = secondsSince(created);
    long lastCreated = System.nanoTime();
    int setupRequests = k8s.requests().size();
    notes.add(String.format(Locale.ROOT, "The mock alone: creating the fleet (%d Deployments, their ReplicaSets, "
        + "%d Pods and status writes: %,d requests) took %.1f s, %.1f ms per request.", n, 3 * n, setupRequests,
        createSeconds, createSeconds * 1000 / setupRequests));
    client.resources(RollbackPolicy.class).resource(PolicyYaml.parse("""
        apiVersion: rollbackguard.io/v1alpha1
        kind: RollbackPolicy
        metadata: {name: %s, namespace: %s}
        spec:
          selector: {matchLabels: {tier: web}}
          prometheus: {url: '%s'}
          observation: {window: 30s, interval: 2s}
          tiers:
            immediate:
              errorRate: {above: 0.05, for: 4s}
            rapid:
              errorRate: {above: 0.01, for: 4s}
        """.formatted(POLICY, NS, prometheus.url()))).create();

    // A fleet that has been in place for a while, as when the operator is installed: every revision older than the
    // window is adopted as stable; a younger one would be observed from first sight, mostly unseen, and close
    // Inconclusive, which would leave windows open through the idle measurement.
    long sinceLast = (System.nanoTime() - lastCreated) / 1_000_000;
    if (WINDOW_MS + 2_000 > sinceLast) {
      say("  waiting " + (WINDOW_MS + 2_000 - sinceLast) / 1000 + " s: every revision older than the window");
      Thread.sleep(WINDOW_MS + 2_000 - sinceLast);
    }

    // 2. the operator, as its own process
    int requestsBefore = k8s.requests().size();
    double mockCpu0 = ownCpuSeconds();
    operator = OperatorProcess.start(jar, operatorXmx, k8s.url(), NS, log);
    OperatorProcess.ThreadTicks threads0 = OperatorProcess.ThreadTicks.NONE;
    say("operator pid " + operator.pid() + ": " + String.join(" ", operator.command) + " (log " + log + ")");
    operator.awaitWatching(120);
    double startWall = (System.currentTimeMillis() - operator.startedAt) / 1000.0;
    double startCpu = operator.cpuSeconds();

    // 3a. every Deployment gets a verdict with a status, seen through a watch: a LIST of 10,000 verdicts every
    // second would hold the mock's single lock for seconds at a time and slow the operator's own requests
    AtomicLong lastCount = new AtomicLong();
    watchVerdicts();
    await("every Deployment to have a verdict with a status", verdictsTimeoutSeconds, () -> {
      long withStatus = watched.values().stream().filter(st -> st.phase != null).count();
      if (lastCount.getAndSet(withStatus) / Math.max(1, n / 10) != withStatus / Math.max(1, n / 10)) {
        say("  " + withStatus + " verdicts with a status");
      }
      return withStatus >= n;
    }, 1000);
    double allWall = (System.currentTimeMillis() - operator.startedAt) / 1000.0;
    double allCpu = operator.cpuSeconds();
    double mockCores = (ownCpuSeconds() - mockCpu0) / allWall;
    // The wall target holds where the API server is not the bottleneck. The mock keeps its store behind one lock and
    // scans it on every write, so at 10,000 it is: a core of its own busy, while the operator waits on it.
    boolean mockBound = mockCores >= MOCK_BOUND_CORES;
    OperatorProcess.ThreadTicks threadsAll = operator.threadTicks();
    notes.add("Operator CPU by thread until every verdict was written (# folds numbers): "
        + OperatorProcess.topThreads(threads0, threadsAll, allCpu) + ".");
    List<EmbeddedKubernetes.Request> opRequests = operatorRequestsSince(requestsBefore);
    row("operator start-up (informers synced): wall / operator CPU", String.format(Locale.ROOT, "%.1f s / %.1f s",
        startWall, startCpu), "", "");
    row("every verdict written (from process start): wall / operator CPU", String.format(Locale.ROOT,
        "%.1f s / %.1f s", allWall, allCpu), "≤ 120 s / ≤ 60 s CPU at 10,000",
        n < 10_000 ? "(at " + n + ")" : mockBound ? "CPU " + met(allCpu <= 60) + "; wall not judged (the mock is the"
            + " bottleneck)" : met(allWall <= 120 && allCpu <= 60));
    notes.add(String.format(Locale.ROOT, "Over those %.1f s the benchmark's own JVM (the mock API server, the stub "
        + "Prometheus, the verdict watch) used %.2f cores, the operator %.2f: the wall is %s.", allWall, mockCores,
        allCpu / allWall, mockBound ? "the mock's (its JVM busy " + MOCK_BOUND_CORES + " cores or more)" : "the operator's"));
    notes.add(String.format(Locale.ROOT, "Until every verdict was written the operator sent the mock %,d requests %s;"
        + " the benchmark watched the verdicts (%,d watch events so far).", opRequests.size(), byKind(opRequests),
        watchEvents.get()));

    // 3b. idle: once the policy's summary counts every verdict (it is coalesced, to once per 10 s at 10,000, and
    // would otherwise be assembled in the idle window), and 10 s more
    await("the policy summary to count every verdict", 120, () -> {
      RollbackPolicy p = client.resources(RollbackPolicy.class).inNamespace(NS).withName(POLICY).get();
      return p.getStatus() != null && p.getStatus().phases != null
          && p.getStatus().phases.values().stream().mapToInt(Integer::intValue).sum() >= n;
    }, 1000);
    double summaryWall = (System.currentTimeMillis() - operator.startedAt) / 1000.0;
    notes.add(String.format(Locale.ROOT, "The policy summary counted every verdict %.1f s after process start.",
        summaryWall));
    say("settling 10 s, then " + idleSeconds + " s idle");
    Thread.sleep(10_000);
    double idleCpu0 = operator.cpuSeconds();
    OperatorProcess.ThreadTicks idleThreads0 = operator.threadTicks();
    long idleFrom = System.currentTimeMillis();
    int idleAll0 = k8s.requests().size();
    Thread.sleep(idleSeconds * 1000);
    double idleCpu = operator.cpuSeconds() - idleCpu0;
    notes.add("Operator CPU by thread while idle: "
        + OperatorProcess.topThreads(idleThreads0, operator.threadTicks(), idleCpu) + ".");
    long idleTo = System.currentTimeMillis();
    List<EmbeddedKubernetes.Request> idleRequests = operatorRequestsSince(idleAll0);
    double mcores = idleCpu / idleSeconds * 1000;
    row("idle CPU, " + idleSeconds + " s with nothing changing", String.format(Locale.ROOT, "%.1f mcores", mcores),
        "≤ 20 mcores at 10,000", n >= 10_000 ? met(mcores <= 20) : "(at " + n + ")");
    List<Integer> idleInstants = prometheus.countsBetween(idleFrom, idleTo);
    row("Prometheus queries while idle", idleInstants.stream().mapToInt(Integer::intValue).sum()
        + " (" + idleInstants.size() + " instants queried)", "", "");
    notes.add("While idle the operator sent the mock " + idleRequests.size() + " requests: " + byKind(idleRequests)
        + ".");

    // 3c. heap after a full GC
    String heap = heapAfterFullGc();
    say("  heap after full GC: " + heap + "; idle CPU " + String.format(Locale.ROOT, "%.1f mcores", mcores));
    // what holds it, for the next step on the heap target: the live class histogram next to the log
    Path histogram = Path.of(log.toString().replaceAll("\\.log$", "") + "-histogram.txt");
    Files.writeString(histogram, operator.jcmd("GC.class_histogram"));
    row("heap after full GC (jcmd GC.run; GC.heap_info)", heap, "≤ 10 MiB per 1,000 Deployments (10k − 1k)", "");

    // 3d. the wave
    waveAndSamples(cluster);

    // 3e. sizes
    RollbackPolicy policy = client.resources(RollbackPolicy.class).inNamespace(NS).withName(POLICY).get();
    int policyBytes = json(policy.getStatus());
    row("policy status (JSON)", String.format(Locale.ROOT, "%,d B", policyBytes), "≤ 16 KiB",
        met(policyBytes <= 16 * 1024));
    String largest = null;
    int largestBytes = 0;
    for (RolloutVerdict v : verdicts()) {
      int b = json(v.getStatus());
      if (b > largestBytes) {
        largestBytes = b;
        largest = v.getMetadata().getName();
      }
    }
    row("largest verdict status (JSON)", String.format(Locale.ROOT, "%,d B (%s)", largestBytes, largest),
        "≤ 8 KiB", met(largestBytes <= 8 * 1024));
    notes.add("Policy status at the end: targets " + policy.getStatus().targets + ", phases "
        + policy.getStatus().phases + ", actions " + policy.getStatus().actions + ".");
    notes.add(String.format(Locale.ROOT, "Whole run %.0f s.", secondsSince(t0)));
  }

  void waveAndSamples(SimulatedCluster cluster) throws Exception {
    List<String> rollingNames = new ArrayList<>();
    Set<String> badNames = ConcurrentHashMap.newKeySet();
    for (int i = 0; i < n; i++) {
      if (rolling(i)) {
        rollingNames.add(name(i));
      }
      if (bad(i)) {
        badNames.add(name(i));
      }
    }
    Set<String> rollingSet = Set.copyOf(rollingNames);
    Map<String, Long> rolledAt = new ConcurrentHashMap<>();
    Map<String, Long> immediateSeenAt = new ConcurrentHashMap<>();
    Map<String, String> falseRollbacks = new ConcurrentHashMap<>();
    Map<String, String> badNotImmediate = new ConcurrentHashMap<>();
    int watchEvents0 = watchEvents.get();
    // every verdict write, as the watch delivers it: when each bad one reached RollbackImmediate, and any other
    // verdict ever recommending a rollback
    java.util.function.Consumer<RolloutVerdict> check = v -> {
      RolloutVerdictStatus s = v.getStatus();
      String name = v.getMetadata().getName();
      if (s == null || s.action == null) {
        return;
      }
      boolean rolled = rolledAt.containsKey(name) && Long.valueOf(2).equals(s.revision);
      if (badNames.contains(name)) {
        if (rolled && s.action == Action.RollbackImmediate) {
          immediateSeenAt.putIfAbsent(name, System.currentTimeMillis());
        }
      } else if (s.action.isRollback()) {
        falseRollbacks.putIfAbsent(name, "revision " + s.revision + " " + s.action + ": " + s.reason);
      }
    };

    say("wave: " + rollingNames.size() + " Deployments roll out, " + badNames.size() + " of them bad");
    double cpu0 = operator.cpuSeconds();
    OperatorProcess.ThreadTicks threads0 = operator.threadTicks();
    long waveFrom = System.currentTimeMillis();
    int waveAll0 = k8s.requests().size();
    int prom0 = prometheus.total.get();
    onVerdict = check;
    for (String name : rollingNames) {
      if (badNames.contains(name)) {
        prometheus.bad.add(name);
      }
      rolledAt.put(name, System.currentTimeMillis());
      cluster.rollout(NS, name, Map.of("app", "registry/" + name + ":v2"), SimulatedCluster.Pods.Ready);
    }
    long lastRollout = System.currentTimeMillis();
    double rolloutSeconds = (lastRollout - waveFrom) / 1000.0;
    say(String.format(Locale.ROOT, "  rollouts written in %.1f s; waiting for the windows to close", rolloutSeconds));
    // the windows close WINDOW after each rollout; a closing window is a decision change, written at once
    Map<String, RolloutVerdictStatus> finals = new HashMap<>();
    await("every rolling Deployment's window to close", WINDOW_MS / 1000 + 120, () -> {
      if (System.currentTimeMillis() < lastRollout + WINDOW_MS + 2 * INTERVAL_MS) {
        return false;
      }
      finals.clear();
      for (RolloutVerdict v : verdicts()) {
        if (rollingSet.contains(v.getMetadata().getName()) && v.getStatus() != null) {
          finals.put(v.getMetadata().getName(), v.getStatus());
        }
      }
      return finals.size() == rollingSet.size() && finals.values().stream().allMatch(s ->
          Long.valueOf(2).equals(s.revision) && s.phase != Phase.Observing && s.phase != Phase.Pending
              && s.observeUntil != null && Instant.parse(s.observeUntil).toEpochMilli() < System.currentTimeMillis());
    }, 1000);
    onVerdict = v -> { };
    // one more read after the counters' last write, to see the final sample counts
    Thread.sleep(2 * INTERVAL_MS);
    finals.clear();
    for (RolloutVerdict v : verdicts()) {
      if (rollingSet.contains(v.getMetadata().getName())) {
        finals.put(v.getMetadata().getName(), v.getStatus());
      }
    }
    long waveTo = System.currentTimeMillis();
    double waveCpu = operator.cpuSeconds() - cpu0;
    notes.add("Operator CPU by thread during the wave: "
        + OperatorProcess.topThreads(threads0, operator.threadTicks(), waveCpu) + ".");
    List<EmbeddedKubernetes.Request> waveRequests = operatorRequestsSince(waveAll0);
    int waveProm = prometheus.total.get() - prom0;

    // bad ones: RollbackImmediate, and how fast
    List<Long> seen = new ArrayList<>();
    List<Long> decided = new ArrayList<>();
    for (String name : badNames) {
      RolloutVerdictStatus s = finals.get(name);
      Long at = immediateSeenAt.get(name);
      if (at == null) {
        badNotImmediate.put(name, s == null ? "no status" : s.phase + " " + s.action + ": " + s.reason);
        if (s != null && s.action == Action.RollbackImmediate) {
          at = waveTo; // its write was not seen by the watch
        } else {
          continue;
        }
      }
      seen.add(at - rolledAt.get(name));
      if (s != null && s.timeline != null) {
        // RollbackImmediate is the top level: the last rise reached it
        s.timeline.stream().filter(e -> "RollbackRecommended".equals(e.event) || "Escalated".equals(e.event))
            .map(e -> Instant.parse(e.at).toEpochMilli()).max(Long::compare)
            .ifPresent(t -> decided.add(t - rolledAt.get(name)));
      }
    }
    long badOk = badNames.stream().filter(nm -> finals.get(nm) != null
        && finals.get(nm).action == Action.RollbackImmediate).count();
    boolean fast = badNotImmediate.isEmpty() && max(seen) <= 16_000;
    row("bad Deployments at RollbackImmediate; time from rollout (seen by a watch, max / median)",
        String.format(Locale.ROOT, "%d of %d; %.1f s / %.1f s", badOk, badNames.size(), max(seen) / 1000.0,
            median(seen) / 1000.0), "all, ≤ 16 s", met(fast));
    row("… time from rollout to the decision (timeline `at`, max / median)", String.format(Locale.ROOT,
        "%.1f s / %.1f s", max(decided) / 1000.0, median(decided) / 1000.0), "", "");
    row("healthy Deployments ever recommended a rollback", Integer.toString(falseRollbacks.size()), "0",
        met(falseRollbacks.isEmpty()));
    falseRollbacks.forEach((k, v) -> problems.add("healthy " + k + " recommended a rollback: " + v));
    badNotImmediate.forEach((k, v) -> problems.add("bad " + k + " not seen at RollbackImmediate by the watch: "
        + v));

    // samples on time
    long taken = 0;
    long missed = 0;
    int dumped = 0;
    StringBuilder dump = new StringBuilder();
    Map<String, Integer> counts = new TreeMap<>();
    for (String name : rollingNames) {
      RolloutVerdictStatus s = finals.get(name);
      if (s == null || s.samples == null) {
        problems.add(name + ": no samples in its verdict");
        continue;
      }
      int t = s.samples.taken == null ? 0 : s.samples.taken;
      int m = s.samples.missed == null ? 0 : s.samples.missed;
      taken += t;
      missed += m;
      counts.merge(t + "+" + m, 1, Integer::sum);
      if (m > 0) {
        problems.add(name + ": samples taken " + t + ", missed " + m + " (phase " + s.phase + ", rolled out at "
            + Instant.ofEpochMilli(rolledAt.get(name)) + ", rolloutStartedAt " + s.rolloutStartedAt + ")");
        if (dumped++ < 5) {
          dump.append("---\n").append(client.getKubernetesSerialization().asYaml(
              client.resources(RolloutVerdict.class).inNamespace(NS).withName(name).get()));
        }
      }
    }
    if (dumped > 0) {
      Path file = Path.of(log.toString().replaceAll("\\.log$", "") + "-missed.yaml");
      Files.writeString(file, dump);
      notes.add("Verdicts that missed samples (first 5): " + file + ".");
    }
    double onTime = taken + missed == 0 ? 0 : 100.0 * taken / (taken + missed);
    row("samples on time during the wave (Σ taken / Σ (taken + missed))", String.format(Locale.ROOT,
        "%.2f%% (%,d of %,d)", onTime, taken, taken + missed), "≥ 99%", met(onTime >= 99));
    notes.add("Sample counts per rolling verdict (taken+missed: how many verdicts): " + counts + "; a "
        + WINDOW_MS / 1000 + " s window at " + INTERVAL_MS / 1000 + " s has " + WINDOW_MS / INTERVAL_MS
        + " or " + (WINDOW_MS / INTERVAL_MS + 1) + " grid instants.");

    // Prometheus per grid instant
    List<Integer> perInstant = prometheus.countsBetween(waveFrom, waveTo);
    row("Prometheus queries per grid instant during the wave (max / median)", String.format(Locale.ROOT,
        "%d / %d (%d instants queried, %,d queries)", max(perInstant), median(perInstant), perInstant.size(),
        waveProm), "≤ 2", met(max(perInstant) <= 2));
    String busy = prometheus.busyInstants(waveFrom, waveTo);
    if (!busy.isEmpty()) {
      problems.add("grid instants queried more than twice (instant: per request, ms after the instant / "
          + "Deployments in the query): " + busy);
    }
    List<Long> lag = prometheus.lagsBetween(waveFrom, waveTo);
    row("… query sent after its grid instant (median / max)", String.format(Locale.ROOT, "%d ms / %d ms",
        median(lag), max(lag)), "", "");
    row("wave: operator CPU / wall", String.format(Locale.ROOT, "%.1f s / %.1f s (rollouts written in %.1f s)",
        waveCpu, (waveTo - waveFrom) / 1000.0, rolloutSeconds), "", "");
    notes.add(String.format(Locale.ROOT, "During the wave the operator sent the mock %,d requests %s; the "
        + "benchmark's watch received %,d verdict events.", waveRequests.size(), byKind(waveRequests),
        watchEvents.get() - watchEvents0));
  }

  // ---- measuring the operator process

  String heapAfterFullGc() throws Exception {
    OperatorProcess.Heap heap = operator.heapAfterFullGc();
    if (heap.usedKiB() < 0) {
      problems.add("could not read the heap from jcmd GC.heap_info: " + heap.raw());
      return "?";
    }
    return heap.describe(operatorXmx);
  }

  @Override
  public boolean killOperator() {
    OperatorProcess p = operator;
    return p == null || p.kill();
  }

  @Override
  public void scanLog() {
    if (log == null || !Files.exists(log)) {
      return;
    }
    try {
      // the same message for another Deployment counts as the same kind
      OperatorProcess.LogScan scan = OperatorProcess.scanLog(log, l -> l.replaceAll("web-\\d{5}", "web-N"));
      row("operator log: WARN / ERROR / other lines naming an exception", scan.warn() + " / " + scan.error() + " / "
          + scan.exceptions() + " (of " + scan.lines() + " lines)", "0 / 0 / 0",
          met(scan.warn() + scan.error() + scan.exceptions() == 0));
      scan.kinds().entrySet().stream().limit(12).forEach(k -> problems.add("log ×" + k.getValue() + ": "
          + (k.getKey().length() > 300 ? k.getKey().substring(0, 300) + "…" : k.getKey())));
    } catch (IOException e) {
      problems.add("cannot read the operator log: " + e.getMessage());
    }
  }

  // ---- the mock

  /** The latest status of every verdict, as the watch delivered it. */
  final Map<String, RolloutVerdictStatus> watched = new ConcurrentHashMap<>();
  final AtomicInteger watchEvents = new AtomicInteger();
  volatile java.util.function.Consumer<RolloutVerdict> onVerdict = v -> { };

  void watchVerdicts() {
    client.resources(RolloutVerdict.class).inNamespace(NS).watch(new io.fabric8.kubernetes.client.Watcher<>() {
      @Override
      public void eventReceived(Action action, RolloutVerdict v) {
        watchEvents.incrementAndGet();
        if (action == Action.DELETED) {
          watched.remove(v.getMetadata().getName());
          return;
        }
        if (v.getStatus() != null) {
          watched.put(v.getMetadata().getName(), v.getStatus());
        }
        onVerdict.accept(v);
      }

      @Override
      public void onClose(io.fabric8.kubernetes.client.WatcherException e) {
        say("verdict watch closed (" + e + "): watching again");
        watchVerdicts();
      }
    });
  }

  List<RolloutVerdict> verdicts() {
    return client.resources(RolloutVerdict.class).inNamespace(NS).list().getItems();
  }

  /** The operator's requests from the {@code from}-th request the mock received on. */
  List<EmbeddedKubernetes.Request> operatorRequestsSince(int from) {
    List<EmbeddedKubernetes.Request> all = k8s.requests();
    return all.subList(Math.min(from, all.size()), all.size()).stream()
        .filter(EmbeddedKubernetes.Request::fromOperator).toList();
  }

  /** Requests counted by method, resource and watch or not. */
  static String byKind(List<EmbeddedKubernetes.Request> requests) {
    Map<String, Long> byKind = new TreeMap<>();
    requests.forEach(r -> byKind.merge(requestKind(r), 1L, Long::sum));
    return byKind.toString();
  }

  /** "GET pods (watch)", "PUT rolloutverdicts/status", "POST events": the path's resource, without names. */
  static String requestKind(EmbeddedKubernetes.Request r) {
    String path = r.path() == null ? "" : r.path();
    int q = path.indexOf('?');
    String query = q < 0 ? "" : path.substring(q + 1);
    String[] parts = (q < 0 ? path : path.substring(0, q)).split("/");
    // /api/v1/namespaces/NS/RESOURCE[/NAME[/SUB]] or /apis/GROUP/VERSION/namespaces/NS/RESOURCE[/NAME[/SUB]]
    int ns = java.util.Arrays.asList(parts).indexOf("namespaces");
    String resource;
    if (ns >= 0 && parts.length > ns + 2) {
      resource = parts[ns + 2] + (parts.length > ns + 4 ? "/" + parts[ns + 4] : "");
    } else {
      resource = parts.length > 0 ? parts[parts.length - 1] : path;
    }
    boolean watch = query.contains("watch=true");
    return r.method() + " " + resource + (watch ? " (watch)" : "");
  }

  int json(Object status) {
    return status == null ? 0
        : client.getKubernetesSerialization().asJson(status).getBytes(StandardCharsets.UTF_8).length;
  }

  // ---- helpers

  static void await(String what, long timeoutSeconds, BooleanSupplier done, long pollMillis)
      throws InterruptedException {
    long until = System.currentTimeMillis() + timeoutSeconds * 1000;
    while (!done.getAsBoolean()) {
      if (System.currentTimeMillis() > until) {
        throw new IllegalStateException("timed out after " + timeoutSeconds + " s waiting for " + what);
      }
      Thread.sleep(pollMillis);
    }
  }

  static double secondsSince(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }

  /** The benchmark JVM's CPU at which the mock counts as the bottleneck: its store is behind one lock. */
  static final double MOCK_BOUND_CORES = 0.8;

  /** This JVM's CPU time: the mock server's, mostly. */
  static double ownCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }

  static String met(boolean ok) {
    return ok ? "met" : "**missed**";
  }

  /** The median (upper), or -1 for none. */
  static long median(List<? extends Number> xs) {
    if (xs.isEmpty()) {
      return -1;
    }
    List<Long> s = new ArrayList<>();
    xs.forEach(x -> s.add(x.longValue()));
    Collections.sort(s);
    return s.get(s.size() / 2);
  }

  /** The maximum, or -1 for none. */
  static long max(List<? extends Number> xs) {
    return xs.stream().mapToLong(Number::longValue).max().orElse(-1);
  }

  /** Sleeps at least {@code min} ms and at least as long as the last LIST took, so polling holds the mock's lock
   * at most half the time. */
  static void pause(long min, long lastMillis) {
    try {
      Thread.sleep(Math.max(min, lastMillis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public synchronized void print() {
    StringBuilder sb = new StringBuilder();
    sb.append("\n### Fleet benchmark, N = ").append(String.format(Locale.ROOT, "%,d", n))
        .append(" Deployments × 3 pods (").append(Runtime.getRuntime().availableProcessors())
        .append(" cores, ").append(System.getProperty("java.vm.name")).append(' ')
        .append(System.getProperty("java.version")).append(")\n\n");
    sb.append("| measure | measured | target | |\n|---|---|---|---|\n");
    rows.forEach((k, v) -> sb.append("| ").append(k).append(" | ").append(v[0]).append(" | ").append(v[1])
        .append(" | ").append(v[2]).append(" |\n"));
    sb.append('\n');
    notes.forEach(s -> sb.append("- ").append(s).append('\n'));
    if (!problems.isEmpty()) {
      sb.append("\nProblems seen:\n\n");
      problems.stream().limit(40).forEach(s -> sb.append("- ").append(s).append('\n'));
      if (problems.size() > 40) {
        sb.append("- … and ").append(problems.size() - 40).append(" more\n");
      }
    }
    System.out.println(sb);
    System.out.flush();
  }

  /**
   * Answers the default grouped errorRate and latencyP95 queries with one series per Deployment named in the
   * query's {@code deployment=~"..."} alternation; counts the requests per {@code time=} (grid instant).
   */
  static final class StubPrometheus implements AutoCloseable {
    private static final Pattern DEPLOYMENTS = Pattern.compile("deployment=~\"((?:[^\"\\\\]|\\\\.)*)\"");
    final HttpServer server;
    final Set<String> bad = ConcurrentHashMap.newKeySet();
    final AtomicInteger total = new AtomicInteger();
    /** grid instant (ms) → requests for it. */
    final Map<Long, AtomicInteger> perInstant = new ConcurrentHashMap<>();
    /** (arrival ms, instant ms, Deployments in the query) of every request. */
    final ConcurrentLinkedQueue<long[]> arrivals = new ConcurrentLinkedQueue<>();

    StubPrometheus() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      server.createContext("/api/v1/query", this::answer);
      server.setExecutor(Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "stub-prometheus");
        t.setDaemon(true);
        return t;
      }));
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Integer> countsBetween(long from, long to) {
      List<Integer> out = new ArrayList<>();
      perInstant.forEach((at, c) -> {
        if (at >= from && at <= to) {
          out.add(c.get());
        }
      });
      return out;
    }

    String busyInstants(long from, long to) {
      Map<Long, List<String>> by = new TreeMap<>();
      for (long[] a : arrivals) {
        if (a[1] >= from && a[1] <= to && perInstant.get(a[1]).get() > 2) {
          by.computeIfAbsent(a[1], k -> new ArrayList<>()).add((a[0] - a[1]) + "/" + a[2]);
        }
      }
      StringBuilder sb = new StringBuilder();
      by.entrySet().stream().limit(6).forEach(e -> sb.append(sb.length() == 0 ? "" : "; ")
          .append(Instant.ofEpochMilli(e.getKey())).append(": ").append(e.getValue()));
      if (by.size() > 6) {
        sb.append("; … ").append(by.size() - 6).append(" more instants");
      }
      return sb.toString();
    }

    List<Long> lagsBetween(long from, long to) {
      List<Long> out = new ArrayList<>();
      for (long[] a : arrivals) {
        if (a[0] >= from && a[0] <= to) {
          out.add(a[0] - a[1]);
        }
      }
      return out;
    }

    private void answer(HttpExchange ex) throws IOException {
      long arrived = System.currentTimeMillis();
      String form = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String raw = ex.getRequestURI().getRawQuery();
      if (raw != null) {
        form = form.isEmpty() ? raw : form + "&" + raw;
      }
      String query = param(form, "query");
      String time = param(form, "time");
      total.incrementAndGet();
      long at = time == null ? arrived : new BigDecimal(time).movePointRight(3).longValue();
      perInstant.computeIfAbsent(at, k -> new AtomicInteger()).incrementAndGet();
      long[] arrival = {arrived, at, 0};
      arrivals.add(arrival);
      String ts = time == null ? String.format(Locale.ROOT, "%.3f", arrived / 1000.0) : time;
      StringBuilder sb = new StringBuilder("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[");
      boolean latency = query != null && query.contains("histogram_quantile");
      boolean errors = query != null && query.contains("status=~\"5..\"");
      Matcher m = query == null ? null : DEPLOYMENTS.matcher(query);
      if (m != null && m.find()) {
        boolean first = true;
        for (String escaped : m.group(1).split("(?<!\\\\)\\|")) {
          String d = escaped.replace("\\", "");
          double v = latency ? 0.1 : errors ? (bad.contains(d) ? 0.08 : 0.001) : 10.0;
          sb.append(first ? "" : ",").append("{\"metric\":{\"deployment\":\"").append(d)
              .append("\"},\"value\":[").append(ts).append(",\"").append(v).append("\"]}");
          first = false;
          arrival[2]++;
        }
      }
      byte[] body = sb.append("]}}").toString().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }

    private static String param(String form, String name) {
      for (String pair : form.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).equals(name)) {
          return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        }
      }
      return null;
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
