package io.rollbackguard.operator;

import io.rollbackguard.api.status.RolloutVerdictStatus;
import java.util.Objects;

/**
 * Whether a verdict's decision changed between two statuses: its phase, action, tier, deadline, findings, breach
 * state, timeline or tracking. Counters and latest values alone do not count (DESIGN §5: writes proportional to
 * decisions).
 */
final class DecisionKey {
  private DecisionKey() {}

  static boolean changed(RolloutVerdictStatus before, RolloutVerdictStatus after) {
    return !Objects.equals(StatusCopies.decision(before), StatusCopies.decision(after));
  }
}
