package io.rollbackguard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LivenessTest {
  final TestingClock clock = new TestingClock();
  final Liveness liveness = new Liveness(clock);

  @Test
  void nothingExpectedIsHealthy() {
    assertThat(liveness.overdue()).isEmpty();
  }

  @Test
  void anExpectationIsOverdueOnlyPastMaxOfThreeIntervalsAndThirtySeconds() {
    long now = clock.millis();
    liveness.expect("the next sample of policy shop/checkout", now, 2_000);
    clock.advance(29_000);
    assertThat(liveness.overdue()).isEmpty();
    clock.advance(2_000);
    assertThat(liveness.overdue()).hasValueSatisfying(m -> assertThat(m)
        .startsWith("the next sample of policy shop/checkout is 31s overdue (allowed 30s)"));
    liveness.met("the next sample of policy shop/checkout");
    assertThat(liveness.overdue()).isEmpty();
  }

  @Test
  void aLongIntervalAllowsThreeIntervals() {
    long now = clock.millis();
    liveness.expect("the next reconcile of verdict shop/checkout", now, 60_000);
    clock.advance(179_000);
    assertThat(liveness.overdue()).isEmpty();
    clock.advance(2_000);
    assertThat(liveness.overdue()).isPresent();
  }
}
