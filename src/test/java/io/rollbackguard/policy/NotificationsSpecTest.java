package io.rollbackguard.policy;

import static io.rollbackguard.TestingPolicies.compile;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollbackguard.api.status.Action;
import org.junit.jupiter.api.Test;

class NotificationsSpecTest {
  @Test
  void withoutNotificationsEveryActionFromEvaluateUpNotifiesWithNoExtraLabel() {
    CompiledPolicy p = compile("", false);
    assertThat(p.notifications().minAction()).isEqualTo(Action.Evaluate);
    assertThat(p.notifications().labels()).isEmpty();
    assertThat(p.notifications().notifies(Action.None)).isFalse();
    assertThat(p.notifications().notifies(Action.Evaluate)).isTrue();
  }

  @Test
  void minActionAndLabelsAreThePolicysOwn() {
    CompiledPolicy p = compile("  notifications: {minAction: RollbackRapid, labels: {team: payments}}\n", false);
    assertThat(p.valid()).isTrue();
    assertThat(p.notifications().labels()).containsOnlyKeys("team");
    assertThat(p.notifications().notifies(Action.DisableFeatureFlag)).isFalse();
    assertThat(p.notifications().notifies(Action.RollbackRapid)).isTrue();
    assertThat(p.notifications().notifies(Action.RollbackImmediate)).isTrue();
  }

  @Test
  void aLabelNameMustBeAPrometheusLabelNameAndMayNotOverrideABuiltInOne() {
    CompiledPolicy p = compile("  notifications:\n    labels: {team-name: payments, severity: low, __x: y,"
        + " owner: \"\"}\n", false);
    assertThat(p.valid()).isFalse();
    assertThat(p.problemsText())
        .contains("spec.notifications.labels.team-name: 'team-name' is not a Prometheus label name")
        .contains("spec.notifications.labels.severity: 'severity' is a built-in label of every alert")
        .contains("spec.notifications.labels.__x: '__x': names starting with __ are reserved")
        .contains("spec.notifications.labels.owner: must not be empty");
  }
}
