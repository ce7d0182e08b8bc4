package io.rollbackguard.bench;

import io.rollbackguard.verdict.MetricReading;
import io.rollbackguard.verdict.burn.BurnRateCheck;
import io.rollbackguard.verdict.burn.BurnRateCriterion;
import io.rollbackguard.verdict.burn.ErrorBudget;
import io.rollbackguard.verdict.regression.RankSumDistributionAccess;
import io.rollbackguard.verdict.regression.RegressionCheck;
import io.rollbackguard.verdict.regression.RegressionCriterion;
import java.util.SplittableRandom;
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
 * What one look of the statistical core costs: a regression look (rank test, Hodges-Lehmann shift and bound, means)
 * at the end of a 31-sample window against 120 baseline samples (the large-sample branch), one with 20 against 40
 * (the exact branch) and the exact distribution it needs, and one burn-rate check. Run like {@link VerdictBenchmark} (results in docs/benchmarks.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RegressionLookBenchmark {
  RegressionCriterion criterion = RegressionCriterion.defaults("latencyP95");
  double[] window31;
  double[] baseline120;
  double[] window20;
  double[] baseline40;
  ErrorBudget budget = ErrorBudget.monthly(0.999);
  MetricReading longWindow = MetricReading.of(0.016);
  MetricReading shortWindow = MetricReading.of(0.021);

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(1);
    window31 = logNormal(random, 31, 1.5);
    baseline120 = logNormal(random, 120, 1);
    window20 = logNormal(random, 20, 1.5);
    baseline40 = logNormal(random, 40, 1);
  }

  @Benchmark
  public Object regressionLook31Against120() {
    return RegressionCheck.look(criterion, window31, baseline120, 0.02 / 22);
  }

  /** The exact branch once its distribution is cached (the same (m, n) seen before, e.g. by another Deployment). */
  @Benchmark
  public Object regressionLookExact20Against40() {
    return RegressionCheck.look(criterion, window20, baseline40, 0.02 / 22);
  }

  /** The exact distribution of a new (m, n), the cost the first look at that size pays on top. */
  @Benchmark
  public Object exactDistribution20Against40() {
    return RankSumDistributionAccess.compute(20, 40);
  }

  @Benchmark
  public Object burnRateCheck() {
    return BurnRateCheck.check(BurnRateCriterion.IMMEDIATE_DEFAULT, budget, longWindow, shortWindow);
  }

  private static double[] logNormal(SplittableRandom random, int n, double scale) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = scale * 0.2 * Math.exp(0.3 * random.nextGaussian());
    }
    return v;
  }

  public static void main(String[] args) throws Exception {
    new Runner(new OptionsBuilder().include(RegressionLookBenchmark.class.getSimpleName())
        .addProfiler("gc").build()).run();
  }
}
