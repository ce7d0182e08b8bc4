package io.rollbackguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The executor CompletableFuture (and so the JDK HTTP client) completes on, as a fresh JVM on two CPUs sees it: a new
 * thread per task unless the jar's main gave the common pool two threads first. Each case is its own JVM, because the
 * executor is fixed once per JVM.
 */
class CommonPoolTest {
  private static final String THREAD_PER_TASK = "java.util.concurrent.CompletableFuture$ThreadPerTaskExecutor";

  /** Prints the default executor's class and the common pool's parallelism as the JVM exits. */
  public static final class Probe {
    public static void main(String[] args) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("executor="
          + new CompletableFuture<Void>().defaultExecutor().getClass().getName() + " parallelism="
          + java.util.concurrent.ForkJoinPool.getCommonPoolParallelism())));
      if (args.length > 0 && args[0].equals("main")) {
        RollbackGuard.main(new String[] {"--version"});
      }
    }
  }

  @Test
  void onTwoCpusTheJarsMainPoolsTheThreadsTheHttpClientCompletesOn() throws Exception {
    assertThat(probe(List.of(), "main"))
        .contains("executor=java.util.concurrent.ForkJoinPool parallelism=2");
  }

  @Test
  void withoutItTwoCpusGetANewThreadPerTask() throws Exception {
    assertThat(probe(List.of(), "bare")).contains("executor=" + THREAD_PER_TASK + " parallelism=1");
  }

  @Test
  void aParallelismGivenOnTheCommandLineIsKept() throws Exception {
    assertThat(probe(List.of("-D" + CommonPool.PARALLELISM + "=1"), "main"))
        .contains("executor=" + THREAD_PER_TASK + " parallelism=1");
  }

  @Test
  void moreThanTwoCpusKeepTheJvmsOwnPool() throws Exception {
    assertThat(probe(List.of("-XX:ActiveProcessorCount=4"), "main"))
        .contains("executor=java.util.concurrent.ForkJoinPool parallelism=3");
  }

  private static String probe(List<String> jvmOptions, String mode) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:ActiveProcessorCount=2", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName(), mode));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new String(out, StandardCharsets.UTF_8);
  }
}
