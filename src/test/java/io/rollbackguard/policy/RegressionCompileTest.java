package io.rollbackguard.policy;

import static io.rollbackguard.TestingPolicies.compile;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollbackguard.api.status.Tier;
import io.rollbackguard.verdict.Criterion;
import io.rollbackguard.verdict.Signals;
import io.rollbackguard.verdict.regression.Direction;
import io.rollbackguard.verdict.regression.RegressionCriterion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** tiers.*.regression as the operator, lint and test compile it (DESIGN §1b). */
class RegressionCompileTest {

  @Test
  void aRegressionNamingOnlyItsSignalGetsEveryDefaultAndItsSignalIsUsed() {
    CompiledPolicy c = compile("  tiers: {evaluate: {regression: {signal: latencyP95}}}", true);
    assertThat(c.valid()).as(c.problemsText()).isTrue();
    Criterion r = c.policy().criteria().stream().filter(x -> x.regression() != null).findFirst().orElseThrow();
    assertThat(r.id()).isEqualTo("evaluate/regression");
    assertThat(r.signal()).isEqualTo(Signals.REGRESSION);
    assertThat(r.tier()).isEqualTo(Tier.evaluate);
    assertThat(r.regression().test()).isEqualTo(RegressionCriterion.defaults(Signals.LATENCY_P95));
    assertThat(r.regression().stride(30_000)).as("rateWindow 1m over interval 30s").isEqualTo(2);
    assertThat(c.policy().usedMetricSignals()).contains(Signals.LATENCY_P95).doesNotContain(Signals.REGRESSION);
  }

  @Test
  void everyFieldIsRead() {
    CompiledPolicy c = compile("  signals:\n    custom: [{name: orders, query: \"sum(rate(orders_total[1m]))\"}]\n"
        + "  tiers: {rapid: {regression: {signal: orders, baseline: 2h, direction: decrease, allowedChange: 1.5,"
        + " confidence: 0.99, minSamples: 8, for: 1m}}}", true);
    assertThat(c.valid()).as(c.problemsText()).isTrue();
    Criterion r = c.policy().criteria().stream().filter(x -> x.regression() != null).findFirst().orElseThrow();
    assertThat(r.regression().test()).isEqualTo(new RegressionCriterion("orders", 7_200_000, Direction.decrease,
        1.5, 0.99, 8));
    assertThat(r.holdForMillis()).isEqualTo(60_000);
    assertThat(c.policy().usedMetricSignals()).contains("orders");
  }

  @Test
  void aDisabledRegressionIsNoCriterionAndAKubernetesOnlyPolicyHasNone() {
    assertThat(compile("  tiers: {rapid: {regression: {disabled: true}}}", true).policy().criteria())
        .noneMatch(x -> x.regression() != null);
    assertThat(compile("  tiers: {rapid: {regression: {signal: latencyP95}}}", false).policy().criteria())
        .noneMatch(x -> x.regression() != null);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{signal: serviceDown} | spec.tiers.rapid.regression.signal | 'serviceDown' is not a metric signal",
      "{signal: burnRate} | spec.tiers.rapid.regression.signal | 'burnRate' is not a metric signal",
      "{signal: latencyP99} | spec.tiers.rapid.regression.signal | unknown signal 'latencyP99'",
      "{baseline: 1h} | spec.tiers.rapid.regression.signal | required",
      "{signal: latencyP95, minSamples: 20} | spec.tiers.rapid.regression.minSamples"
          + " | 20 can never be reached: with window 15m, initialDelay 0s and interval 30s the test uses at most 16"
          + " samples (one sample in 2: rateWindow 1m over interval 30s)",
      "{signal: latencyP95, minSamples: 1} | spec.tiers.rapid.regression.minSamples | 1 is too few",
      "{signal: latencyP95, confidence: 1} | spec.tiers.rapid.regression.confidence | not between 0 and 1",
      "{signal: latencyP95, confidence: 0} | spec.tiers.rapid.regression.confidence | not between 0 and 1",
      "{signal: latencyP95, allowedChange: 0.8} | spec.tiers.rapid.regression.allowedChange"
          + " | not a factor of at least 1",
      "{signal: latencyP95, baseline: 0s} | spec.tiers.rapid.regression.baseline | must be longer than 0s",
      "{signal: latencyP95, baseline: forever} | spec.tiers.rapid.regression.baseline | not a duration",
      "{signal: latencyP95, baseline: 5m} | spec.tiers.rapid.regression.minSamples"
          + " | 10 can never be reached in the baseline: 5m at interval 30s gives 5 samples",
      "{signal: latencyP95, baseline: 100h} | spec.tiers.rapid.regression.baseline"
          + " | 100h at interval 30s is 12000 points, more than Prometheus answers in one range query",
      "{signal: latencyP95, for: 20m} | spec.tiers.rapid.regression.for | 20m can never fire",
  })
  void aRegressionThatCannotBeJudgedIsAProblemAtItsField(String regression, String path, String message) {
    CompiledPolicy c = compile("  observation: {window: 15m, interval: 30s}\n  tiers: {rapid: {regression: "
        + regression + "}}", true);
    assertThat(c.valid()).isFalse();
    assertThat(c.problems()).as(c.problemsText()).anySatisfy(p -> {
      assertThat(p.path()).isEqualTo(path);
      assertThat(p.message()).contains(message);
    });
  }

  @Test
  void aWindowOfMoreSamplesThanAVerdictKeepsIsAProblem() {
    CompiledPolicy c = compile("  observation: {window: 2h, interval: 5s}\n"
        + "  tiers: {rapid: {regression: {signal: latencyP95}}}", true);
    assertThat(c.problems()).as(c.problemsText()).anySatisfy(p -> {
      assertThat(p.path()).isEqualTo("spec.tiers.rapid.regression");
      assertThat(p.message()).startsWith("the window gives 121 samples to the test (one sample in 12");
    });
  }
}
