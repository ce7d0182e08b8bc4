package io.rollbackguard.verdict.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The regression criterion by table: one look, its samples, what it decides. */
class RegressionCheckTest {
  static final double LEVEL = 0.02 / 22; // one of the 22 looks of a 31-sample window

  record Case(String name, RegressionCriterion criterion, double[] current, double[] baseline,
      RegressionOutcome.State expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> cases() {
    RegressionCriterion latency = RegressionCriterion.defaults("latencyP95");
    RegressionCriterion throughput = new RegressionCriterion("requestRate", 3_600_000, Direction.decrease, 1.2,
        0.98, 10);
    RegressionCriterion gateOff = new RegressionCriterion("latencyP95", 3_600_000, Direction.increase, 1.0, 0.98, 10);
    double[] baseline = latencies(1, 120, 1.0);
    return Stream.of(
        new Case("latency shifted by 50%: breached", latency, latencies(2, 20, 1.5), baseline,
            RegressionOutcome.State.BREACHED),
        new Case("latency unshifted: not breached", latency, latencies(3, 20, 1.0), baseline,
            RegressionOutcome.State.NOT_BREACHED),
        new Case("latency faster by a third: not breached (wrong direction)", latency, latencies(4, 20, 0.67),
            baseline, RegressionOutcome.State.NOT_BREACHED),
        new Case("9 current samples, below minSamples 10: inconclusive", latency, latencies(5, 9, 1.5), baseline,
            RegressionOutcome.State.INCONCLUSIVE),
        new Case("9 baseline samples, below minSamples 10: inconclusive", latency, latencies(6, 20, 1.5),
            latencies(7, 9, 1.0), RegressionOutcome.State.INCONCLUSIVE),
        // exact branch: all 10 current above all 10 baseline, p = 1 / C(20, 10) = 5.4e-6
        new Case("exactly minSamples on both sides, all slower: breached", latency, steps(0.40, 10),
            steps(0.20, 10), RegressionOutcome.State.BREACHED),
        new Case("5% slower, significant but under allowedChange 1.2: not breached", latency,
            quiet(10, 31, 1.05), quiet(11, 120, 1.0), RegressionOutcome.State.NOT_BREACHED),
        new Case("5% slower with the gate at 1.0: breached", gateOff, quiet(10, 31, 1.05), quiet(11, 120, 1.0),
            RegressionOutcome.State.BREACHED),
        new Case("request rate down by half (decrease): breached", throughput, latencies(12, 20, 0.5),
            latencies(13, 120, 1.0), RegressionOutcome.State.BREACHED),
        new Case("request rate up by half (decrease criterion): not breached", throughput, latencies(14, 20, 1.5),
            latencies(15, 120, 1.0), RegressionOutcome.State.NOT_BREACHED),
        new Case("negative values: no change of the means, inconclusive", latency, shifted(latencies(16, 20, 1.5), -5),
            shifted(baseline, -5), RegressionOutcome.State.INCONCLUSIVE)
    ).map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(Case c) {
    RegressionOutcome outcome = RegressionCheck.look(c.criterion(), c.current(), c.baseline(), LEVEL);
    assertThat(outcome.state()).as(outcome.describe()).isEqualTo(c.expected());
  }

  @org.junit.jupiter.api.Test
  void theFindingShowsShiftBoundAndChangeOfMeans() {
    RegressionOutcome o = RegressionCheck.look(RegressionCriterion.defaults("latencyP95"), latencies(2, 20, 1.5),
        latencies(1, 120, 1.0), LEVEL);
    assertThat(o.shift()).isPositive();
    assertThat(o.bound()).isPositive().isLessThan(o.shift());
    assertThat(o.changeOfMeans()).isBetween(1.3, 1.7);
    assertThat(o.describe()).contains("of baseline (allowed ×1.20)", "shift +", "20 vs 120 samples", "≤");
  }

  @org.junit.jupiter.api.Test
  void noLevelLeftNeverBreaches() {
    RegressionOutcome o = RegressionCheck.look(RegressionCriterion.defaults("latencyP95"), latencies(2, 20, 3),
        latencies(1, 120, 1.0), 0);
    assertThat(o.state()).isEqualTo(RegressionOutcome.State.NOT_BREACHED);
  }

  /** Log-normal latencies around 200 ms, σ = 0.3, scaled by {@code factor}. */
  static double[] latencies(long seed, int n, double factor) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = factor * 0.2 * Math.exp(0.3 * random.nextGaussian());
    }
    return v;
  }

  /** Latencies with little noise (σ = 0.01), where a small change is significant. */
  static double[] quiet(long seed, int n, double factor) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = factor * 0.2 * Math.exp(0.01 * random.nextGaussian());
    }
    return v;
  }

  /** from, from + 0.01, …: n distinct values. */
  static double[] steps(double from, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = from + 0.01 * i;
    }
    return v;
  }

  static double[] shifted(double[] values, double by) {
    double[] v = values.clone();
    for (int i = 0; i < v.length; i++) {
      v[i] += by;
    }
    return v;
  }
}
