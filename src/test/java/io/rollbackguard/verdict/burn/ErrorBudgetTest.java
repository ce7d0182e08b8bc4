package io.rollbackguard.verdict.burn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorBudgetTest {

  // budget gone in 720 h ÷ factor (30 days).
  @ParameterizedTest(name = "{0}× → {1}")
  @CsvSource(delimiter = '|', value = {
      "16   | error budget burning 16× — at this rate the month's budget is gone in 45 h",
      "14.4 | error budget burning 14.4× — at this rate the month's budget is gone in 50 h",
      "6    | error budget burning 6× — at this rate the month's budget is gone in 120 h",
      "1    | error budget burning 1× — at this rate the month's budget is gone in 720 h",
      "1000 | error budget burning 1000× — at this rate the month's budget is gone in 43 min",
      "2.345 | error budget burning 2.3× — at this rate the month's budget is gone in 307 h",
      "0    | error budget burning 0×",
  })
  void describesTheBurnAsOnCallReadsIt(double factor, String text) {
    assertThat(ErrorBudget.monthly(0.999).describeBurn(factor)).isEqualTo(text);
  }

  @ParameterizedTest(name = "objective {0}, ratio {1}: {2}×")
  @CsvSource({
      "0.999, 0.016, 16",
      "0.99, 0.016, 1.6",
      "0.9999, 0.0001, 1",
      "0.999, 0, 0",
  })
  void burnFactorIsTheRatioOverTheBudget(double objective, double ratio, double factor) {
    assertThat(ErrorBudget.monthly(objective).burnFactor(ratio)).isCloseTo(factor, within(1e-9));
  }

  @Test
  void hoursUntilSpentIsThePeriodOverTheFactor() {
    assertThat(ErrorBudget.monthly(0.999).hoursUntilSpent(16)).isCloseTo(45, within(1e-12));
    assertThat(new ErrorBudget(0.999, 7L * 24 * 3_600_000).hoursUntilSpent(16)).isCloseTo(10.5, within(1e-12));
    assertThat(new ErrorBudget(0.999, 7L * 24 * 3_600_000).describeBurn(16))
        .isEqualTo("error budget burning 16× — at this rate the period's budget is gone in 11 h");
  }

  @Test
  void anObjectiveMustBeAFractionBelowOne() {
    assertThatThrownBy(() -> ErrorBudget.monthly(99.9)).hasMessageContaining("between 0 and 1");
    assertThatThrownBy(() -> ErrorBudget.monthly(1)).hasMessageContaining("between 0 and 1");
  }
}
