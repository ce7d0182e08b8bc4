package io.rollbackguard.bench;

import io.rollbackguard.cli.demo.EmbeddedKubernetes;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How a benchmark that starts the operator as a process runs from {@code main}: the operator is killed however the
 * run ends (a shutdown hook, a watchdog after {@code timeoutMinutes} that prints the partial results), its log is
 * scanned and the report printed, then the in-JVM servers are closed and the JVM exits with 0, 1 (failed) or 3
 * (timed out).
 */
final class GuardedRun {
  /** What a benchmark gives its guard. */
  interface Benchmark {
    void run() throws Exception;

    boolean killOperator();

    void scanLog();

    void print();

    List<String> problems();

    /** The in-JVM servers, each null when the run ended before it started. */
    FleetBenchmark.StubPrometheus prometheus();

    EmbeddedKubernetes k8s();
  }

  private GuardedRun() {}

  static void main(Benchmark b, long timeoutMinutes) {
    Runtime.getRuntime().addShutdownHook(new Thread(b::killOperator, "kill-operator"));
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(TimeUnit.MINUTES.toMillis(timeoutMinutes));
      } catch (InterruptedException e) {
        return;
      }
      b.problems().add("TIMEOUT: the whole run took more than " + timeoutMinutes + " min; partial results");
      b.killOperator();
      b.print();
      Runtime.getRuntime().halt(3);
    }, "watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    int rc = 0;
    try {
      b.run();
    } catch (Throwable t) {
      b.problems().add("benchmark failed: " + t);
      t.printStackTrace();
      rc = 1;
    } finally {
      b.killOperator();
      b.scanLog();
      b.print();
      if (b.prometheus() != null) {
        b.prometheus().close();
      }
      if (b.k8s() != null) {
        b.k8s().close();
      }
    }
    System.exit(rc);
  }
}
