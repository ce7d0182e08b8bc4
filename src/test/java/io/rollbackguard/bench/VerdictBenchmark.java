package io.rollbackguard.bench;

import io.rollbackguard.TestingPolicies;
import io.rollbackguard.api.status.EvaluationState;
import io.rollbackguard.verdict.MetricReading;
import io.rollbackguard.verdict.Observation;
import io.rollbackguard.verdict.Policy;
import io.rollbackguard.verdict.Signals;
import io.rollbackguard.verdict.VerdictEngine;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * How long one verdict takes, and what it allocates: one sample of one target with every default criterion and the
 * traffic guard, mid-window. Run: {@code mvn -B -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.rollbackguard.bench.VerdictBenchmark} (results in docs/benchmarks.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class VerdictBenchmark {
  Policy policy;
  EvaluationState midWindow;
  Observation breaching;
  long at;

  @Setup
  public void setUp() {
    policy = TestingPolicies.policy("  observation: {window: 15m, interval: 30s, minRequestRate: 0.5}\n");
    breaching = new Observation(Map.of(Signals.ERROR_RATE, MetricReading.of(0.02), Signals.LATENCY_P95,
        MetricReading.of(0.4), Signals.REQUEST_RATE, MetricReading.of(40)), 3, 3, 0, false, null, null, null, null);
    EvaluationState s = EvaluationState.forRollout(null, "7", 0);
    for (int k = 0; k < 10; k++) {
      s = VerdictEngine.evaluate(policy, s, breaching, k * 30_000L).state();
    }
    midWindow = s;
    at = 10 * 30_000L;
  }

  @Benchmark
  public Object oneSampleMidWindow() {
    return VerdictEngine.evaluate(policy, midWindow, breaching, at);
  }

  @Benchmark
  public Object betweenSamples() {
    return VerdictEngine.evaluate(policy, midWindow, breaching, at - 1);
  }

  public static void main(String[] args) throws Exception {
    new Runner(new OptionsBuilder().include(VerdictBenchmark.class.getSimpleName())
        .addProfiler("gc").build()).run();
  }
}
