package io.rollbackguard.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import java.util.Objects;

/**
 * How a verdict's status changed between two evaluations: at all, and in its decision (its phase, action, tier,
 * deadline, findings, breach state, timeline or tracking). Counters and latest values alone are no decision (DESIGN
 * §5: writes proportional to decisions). Each status is turned into a tree once, for both questions: that
 * serialization is the costliest part of a reconcile that takes a sample.
 */
record DecisionKey(boolean statusChanged, boolean decisionChanged) {

  static DecisionKey between(RolloutVerdictStatus before, RolloutVerdictStatus after) {
    JsonNode b = before == null ? null : StatusCopies.tree(before);
    JsonNode a = after == null ? null : StatusCopies.tree(after);
    if (Objects.equals(b, a)) {
      return new DecisionKey(false, false);
    }
    return new DecisionKey(true, b == null || a == null
        || !StatusCopies.decision(b).equals(StatusCopies.decision(a)));
  }
}
