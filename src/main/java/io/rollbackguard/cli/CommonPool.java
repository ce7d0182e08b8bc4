package io.rollbackguard.cli;

/**
 * Gives CompletableFuture's default executor two pooled threads where the JVM would give it a new thread per task.
 *
 * <p>The JDK HTTP client completes every asynchronous request (Fabric8 sends all of its requests so) on that
 * executor. With one or two CPUs, which is what an operator's container usually gets, the common ForkJoinPool's
 * parallelism is 1, and the default executor is then a new thread for every task: a thread started and ended for
 * each response. Measured on the mock server at 1,000 Deployments, pooling them cut the operator's CPU to write
 * every verdict by a quarter to a third (docs/benchmarks.md). The executor is fixed once, when CompletableFuture
 * loads, so this runs first in {@code main}; a parallelism set on the command line is left as it is.
 */
final class CommonPool {
  static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  private CommonPool() {
  }

  static void atLeastTwoThreads() {
    if (System.getProperty(PARALLELISM) == null && Runtime.getRuntime().availableProcessors() <= 2) {
      System.setProperty(PARALLELISM, "2");
    }
  }
}
