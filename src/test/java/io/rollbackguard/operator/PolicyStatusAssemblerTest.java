package io.rollbackguard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.rollbackguard.api.status.RollbackPolicyStatus;
import org.junit.jupiter.api.Test;

class PolicyStatusAssemblerTest {
  static final long NOW = 1_800_000_000_000L;

  private static Condition condition(RollbackPolicyStatus s, String type) {
    return s.conditions.stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }

  @Test
  void aPolicyThatBecomesInvalidKeepsShowingTheRollbackItRecommended() {
    RollbackPolicyStatus before = new RollbackPolicyStatus();
    before.action = "RollbackImmediate";
    before.decideBy = "2027-01-15T08:05:00Z";
    before.targets = 1;
    RollbackPolicyStatus after = PolicyStatusAssembler.invalid(before, 3, "spec.observation.window: 'x' is not a duration", NOW);
    assertThat(after.action).isEqualTo("RollbackImmediate");
    assertThat(after.decideBy).isEqualTo("2027-01-15T08:05:00Z");
    assertThat(condition(after, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(after, "Ready").getMessage()).contains("spec.observation.window");
    assertThat(condition(after, "RollbackRecommended").getStatus()).isEqualTo("True");
  }

  @Test
  void aConditionKeepsItsTransitionTimeWhileItsStatusHolds() {
    RollbackPolicyStatus first = PolicyStatusAssembler.invalid(null, 1, "bad", NOW);
    RollbackPolicyStatus later = PolicyStatusAssembler.invalid(first, 1, "still bad", NOW + 60_000);
    assertThat(condition(later, "Ready").getLastTransitionTime()).isEqualTo(Times.format(NOW));
    assertThat(condition(later, "Ready").getMessage()).isEqualTo("still bad");
  }
}
