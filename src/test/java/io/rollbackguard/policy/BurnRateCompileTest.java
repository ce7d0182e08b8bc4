package io.rollbackguard.policy;

import static io.rollbackguard.TestingPolicies.compile;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollbackguard.api.status.Tier;
import io.rollbackguard.verdict.Criterion;
import io.rollbackguard.verdict.Signals;
import io.rollbackguard.verdict.burn.BurnRateCriterion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** spec.slo and tiers.*.burnRate as the operator, lint and test compile them (DESIGN §1b). */
class BurnRateCompileTest {
  static final String SLO = "  slo: {objective: 0.999}\n";

  @Test
  void theDefaultsComeWithSloInTheImmediateAndRapidTiersOnly() {
    CompiledPolicy c = compile(SLO, true);
    assertThat(c.valid()).as(c.problemsText()).isTrue();
    assertThat(c.policy().criteria()).filteredOn(x -> x.burn() != null)
        .extracting(Criterion::tier, x -> x.burn().rate())
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Tier.immediate, BurnRateCriterion.IMMEDIATE_DEFAULT),
            org.assertj.core.groups.Tuple.tuple(Tier.rapid, BurnRateCriterion.RAPID_DEFAULT));
    // each window reads the errorRate query over its own range
    assertThat(c.queries().bySignal().get("errorRate@1h").text())
        .isEqualTo(c.queries().bySignal().get(Signals.ERROR_RATE).text());
    assertThat(c.queries().burnWindows()).containsEntry("errorRate@1h", 3_600_000L)
        .containsEntry("errorRate@5m", 300_000L).containsEntry("errorRate@6h", 21_600_000L)
        .containsEntry("errorRate@30m", 1_800_000L);
  }

  @Test
  void withoutSloThereIsNoBurnRate() {
    assertThat(compile("", true).policy().criteria()).noneMatch(x -> x.burn() != null);
  }

  @Test
  void aKubernetesOnlyPolicyDropsTheBurnRatesWithTheOtherMetricCriteria() {
    CompiledPolicy c = compile(SLO, false);
    assertThat(c.policy().criteria()).noneMatch(x -> x.burn() != null);
    assertThat(c.policy().usedMetricSignals()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "tiers: {immediate: {burnRate: {factor: 14.4, longWindow: 1h, shortWindow: 5m}}}"
          + " | spec.tiers.immediate.burnRate | needs spec.slo.objective",
      "slo: {objective: 99.9} | spec.slo.objective | write 0.999 for 99.9%",
      "slo: {} | spec.slo.objective | required",
      "slo: {objective: 0.999}\\n  tiers: {rapid: {burnRate: {longWindow: 1h, shortWindow: 5m}}}"
          + " | spec.tiers.rapid.burnRate.factor | required",
      "slo: {objective: 0.999}\\n  tiers: {rapid: {burnRate: {factor: -2, longWindow: 1h, shortWindow: 5m}}}"
          + " | spec.tiers.rapid.burnRate.factor | not a positive number",
      "slo: {objective: 0.999}\\n  tiers: {rapid: {burnRate: {factor: 6, longWindow: 5m, shortWindow: 1h}}}"
          + " | spec.tiers.rapid.burnRate.shortWindow | must be shorter than longWindow",
      "slo: {objective: 0.999}\\n  tiers: {evaluate: {burnRate: {factor: 2, shortWindow: 5m}}}"
          + " | spec.tiers.evaluate.burnRate.longWindow | required",
      "slo: {objective: 0.999}\\n  signals: {errorRate: {query: \"sum(rate(errors_total[5m])) / sum(rate(requests_total[5m]))\"}}"
          + " | spec.signals.errorRate.query | use {{window}}",
  })
  void aBurnRateThatCannotBeJudgedIsAProblemAtItsField(String spec, String path, String message) {
    CompiledPolicy c = compile("  " + spec.replace("\\n", "\n"), true);
    assertThat(c.problems()).as(c.problemsText()).anySatisfy(p -> {
      assertThat(p.path()).isEqualTo(path);
      assertThat(p.message()).contains(message);
    });
  }

  @Test
  void aDisabledDefaultIsGoneAndAnEvaluateBurnRateCanBeAdded() {
    CompiledPolicy c = compile(SLO + "  tiers:\n    immediate: {burnRate: {disabled: true}}\n"
        + "    evaluate: {burnRate: {factor: 2, longWindow: 3h, shortWindow: 15m}}\n", true);
    assertThat(c.valid()).as(c.problemsText()).isTrue();
    assertThat(c.policy().criteria()).filteredOn(x -> x.burn() != null).extracting(Criterion::tier)
        .containsExactly(Tier.rapid, Tier.evaluate);
    assertThat(c.policy().usedMetricSignals()).contains("errorRate@3h", "errorRate@15m")
        .doesNotContain("errorRate@1h", "errorRate@5m");
  }
}
