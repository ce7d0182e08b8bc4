package io.rollbackguard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator jar run as its own process against the mock server ({@code run --kubeconfig <mock> --namespaces NS
 * --port 0}), and what the benchmarks measure of it: CPU from /proc, heap after a full GC and the class histogram
 * from jcmd, its log. Shared by {@link FleetBenchmark} and {@link SoakBenchmark}.
 */
public final class OperatorProcess {
  static final long CLOCK_TICKS = clockTicks();

  final Process process;
  final Path log;
  final String xmx;
  /** The JVM options of deploy/deployment.yaml's JAVA_TOOL_OPTIONS that matter here (-Xmx stands for the rest). */
  public static final List<String> DEPLOYED_JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1");
  final List<String> command;
  final long startedAt;

  private OperatorProcess(Process process, Path log, String xmx, List<String> command, long startedAt) {
    this.process = process;
    this.log = log;
    this.xmx = xmx;
    this.command = command;
    this.startedAt = startedAt;
  }

  /** Writes a kubeconfig for {@code serverUrl} and starts {@code java -Xmx<xmx> -jar <jar> run ...}. */
  static OperatorProcess start(Path jar, String xmx, String serverUrl, String namespace, Path log) throws IOException {
    Path kubeconfig = Files.createTempDirectory("rollback-guard-bench").resolve("config");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters: [{name: mock, cluster: {server: "%s"}}]
        users: [{name: u, user: {token: t}}]
        contexts: [{name: mock, context: {cluster: mock, user: u, namespace: %s}}]
        current-context: mock
        """.formatted(serverUrl.replaceAll("/+$", ""), namespace));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new java.util.ArrayList<>(List.of(java.toString(), "-Xmx" + xmx));
    command.addAll(DEPLOYED_JVM_OPTIONS);
    // Extra JVM options for a diagnosis, e.g. -Dorg.slf4j.simpleLogger.log.io.javaoperatorsdk=debug; they come
    // after the deployed ones, so -XX:TieredStopAtLevel=4 measures the operator with C2 again.
    String extra = System.getenv("ROLLBACK_GUARD_BENCH_JVM_OPTS");
    if (extra != null && !extra.isBlank()) {
      command.addAll(List.of(extra.trim().split("\\s+")));
    }
    command.addAll(List.of("-jar", jar.toString(), "run", "--kubeconfig", kubeconfig.toString(), "--namespaces",
        namespace, "--port", "0"));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().remove("KUBECONFIG");
    pb.environment().remove("PROMETHEUS_URL");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    long startedAt = System.currentTimeMillis();
    return new OperatorProcess(pb.start(), log, xmx, List.copyOf(pb.command()), startedAt);
  }

  long pid() {
    return process.pid();
  }

  /** Waits until the operator logs that its informers are synced; fails early if it exits. */
  void awaitWatching(long timeoutSeconds) throws InterruptedException {
    FleetBenchmark.await("the operator to start", timeoutSeconds, () -> {
      if (!process.isAlive()) {
        throw new IllegalStateException("the operator exited with " + process.exitValue() + ": " + tail());
      }
      return logContains("rollback-guard: watching");
    }, 200);
  }

  /** utime + stime of the whole process, in seconds. */
  double cpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid() + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields 14 (utime) and 15 (stime) of proc(5); f[0] is field 3
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLOCK_TICKS;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the operator's CPU time: " + e.getMessage(), e);
    }
  }

  /** One reading of every live thread's CPU, by thread id: JOSDK renames its reconciler threads while they run. */
  record ThreadTicks(Map<Long, Long> ticks, Map<Long, String> names) {
    static final ThreadTicks NONE = new ThreadTicks(Map.of(), Map.of());
  }

  /** CPU ticks of each live thread of the operator process, with its name (digits folded, so pools add up). */
  ThreadTicks threadTicks() {
    Map<Long, Long> ticks = new HashMap<>();
    Map<Long, String> names = new HashMap<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid() + "/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(t.resolve("stat"));
          long tid = Long.parseLong(t.getFileName().toString());
          String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("\\d+", "#");
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks.put(tid, Long.parseLong(f[11]) + Long.parseLong(f[12]));
          names.put(tid, comm);
        } catch (IOException | RuntimeException e) {
          // the thread ended
        }
      }
    } catch (IOException e) {
      // the process ended: what was read so far
    }
    return new ThreadTicks(ticks, names);
  }

  /**
   * The threads that used the most CPU between two {@link #threadTicks} readings, by name (numbers folded), and the
   * CPU of threads that ended in between: {@code processCpuSeconds} (the process's CPU over the same span) minus what
   * the live threads used.
   */
  static String topThreads(ThreadTicks before, ThreadTicks after, double processCpuSeconds) {
    Map<String, Long> delta = new HashMap<>();
    long live = 0;
    for (var e : after.ticks().entrySet()) {
      long d = e.getValue() - before.ticks().getOrDefault(e.getKey(), 0L);
      live += d;
      delta.merge(after.names().get(e.getKey()), d, Long::sum);
    }
    String top = delta.entrySet().stream().filter(e -> e.getValue() > 0)
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(8)
        .map(e -> String.format(Locale.ROOT, "%s %.1f s", e.getKey(), e.getValue() / (double) CLOCK_TICKS))
        .reduce((a, b) -> a + ", " + b).orElse("none");
    double ended = processCpuSeconds - live / (double) CLOCK_TICKS;
    return top + String.format(Locale.ROOT, "; threads that ended meanwhile %.1f s", Math.max(0, ended));
  }

  static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor(5, TimeUnit.SECONDS) ? Long.parseLong(out) : 100;
    } catch (Exception e) {
      return 100;
    }
  }

  /** The heap after a full GC: {@code usedKiB} of {@code space} (e.g. "garbage-first heap"), metaspace used. */
  record Heap(long usedKiB, String space, long metaspaceKiB, String raw) {
    double usedMiB() {
      return usedKiB / 1024.0;
    }

    String describe(String xmx) {
      String metaspace = metaspaceKiB < 0 ? "" : String.format(Locale.ROOT, "; metaspace %.1f MiB",
          metaspaceKiB / 1024.0);
      return String.format(Locale.ROOT, "%.1f MiB used (%s, -Xmx%s%s)", usedMiB(), space, xmx, metaspace);
    }
  }

  /** {@code jcmd PID GC.run} twice, then {@code GC.heap_info}; null if the heap cannot be read from it. */
  Heap heapAfterFullGc() throws Exception {
    jcmd("GC.run");
    jcmd("GC.run");
    String info = jcmd("GC.heap_info");
    Matcher m = Pattern.compile("(?m)^\\s*(\\S[^\\n]*?heap)\\s+total (\\d+)K, used (\\d+)K").matcher(info);
    Matcher meta = Pattern.compile("Metaspace\\s+used (\\d+)K").matcher(info);
    if (!m.find()) {
      return new Heap(-1, "?", -1, info.strip());
    }
    return new Heap(Long.parseLong(m.group(3)), m.group(1).trim(), meta.find() ? Long.parseLong(meta.group(1)) : -1,
        info.strip());
  }

  /** One row of {@code jcmd PID GC.class_histogram}: instances and bytes of a class. */
  record ClassCount(long instances, long bytes) {}

  /** {@code jcmd PID GC.class_histogram} (it runs a full GC first: live objects only), by class name. */
  Map<String, ClassCount> classHistogram() throws Exception {
    String out = jcmd("GC.class_histogram");
    Map<String, ClassCount> byClass = new LinkedHashMap<>();
    Matcher m = Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)").matcher(out);
    while (m.find()) {
      byClass.merge(m.group(3), new ClassCount(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))),
          (a, b) -> new ClassCount(a.instances + b.instances, a.bytes + b.bytes));
    }
    return byClass;
  }

  String jcmd(String jcmdCommand) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    String tool = Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd";
    Process p = new ProcessBuilder(tool, Long.toString(pid()), jcmdCommand).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("jcmd " + jcmdCommand + " did not finish in 60 s");
    }
    return out;
  }

  /** Ends the process (SIGTERM, then SIGKILL after 15 s); true once it is gone. */
  boolean kill() {
    if (!process.isAlive()) {
      return true;
    }
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    return !process.isAlive();
  }

  /** What the log holds of WARN, ERROR and other lines naming an exception, by kind. */
  record LogScan(int lines, int warn, int error, int exceptions, Map<String, Integer> kinds) {}

  /** Scans the log; {@code fold} turns a line into its kind (e.g. the same message for another Deployment). */
  static LogScan scanLog(Path log, UnaryOperator<String> fold) throws IOException {
    List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
    Map<String, Integer> kinds = new LinkedHashMap<>();
    int warn = 0;
    int error = 0;
    int exceptions = 0;
    for (String l : lines) {
      boolean w = l.contains(" WARN ");
      boolean e = l.contains(" ERROR ");
      boolean x = l.contains("Exception") && !w && !e;
      warn += w ? 1 : 0;
      error += e ? 1 : 0;
      exceptions += x ? 1 : 0;
      if (w || e || x) {
        kinds.merge(fold.apply(l).replaceAll("\\d+", "#").replaceAll("^\\[[^]]*\\] ", ""), 1, Integer::sum);
      }
    }
    return new LogScan(lines.size(), warn, error, exceptions, kinds);
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", new ArrayList<>(lines.subList(Math.max(0, lines.size() - 20), lines.size())));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  boolean logContains(String s) {
    try {
      return Files.exists(log) && Files.readString(log).contains(s);
    } catch (IOException e) {
      return false;
    }
  }
}
