package io.rollbackguard.policytest;

import io.rollbackguard.api.status.FindingState;
import io.rollbackguard.api.status.Procedure;
import io.rollbackguard.verdict.DurationFormat;
import io.rollbackguard.verdict.Finding;
import io.rollbackguard.verdict.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * What a failed test is shown with, so that CI logs answer "why" without a rerun: the verdict it ended with, every
 * finding (criterion, value, threshold, since when) and the procedure's steps with their commands. Times are after
 * t=0, as the test file writes them.
 */
final class FailureReport {
  private FailureReport() {}

  static List<String> lines(Verdict v, Procedure procedure, long origin) {
    List<String> out = new ArrayList<>();
    out.add("got: " + v.action() + (v.tier() == null ? "" : " (" + v.tier() + " tier)") + ", phase " + v.phase()
        + ", decideBy " + (v.decideBy() == null ? "none" : time(v.decideBy(), origin))
        + (v.actionSince() == null ? "" : ", since " + time(v.actionSince(), origin)) + ": " + v.reason());
    if (v.findings().isEmpty()) {
      out.add("findings: none");
    } else {
      out.add("findings:");
      v.findings().forEach(f -> out.add("  - " + finding(f, origin)));
    }
    out.add("procedure: " + procedure.title());
    for (int i = 0; i < procedure.steps().size(); i++) {
      Procedure.Step step = procedure.steps().get(i);
      out.add("  " + (i + 1) + ". " + step.title() + (step.command() == null ? "" : ": " + step.command()));
    }
    procedure.warnings().forEach(w -> out.add("  warning: " + w));
    return out;
  }

  /** e.g. {@code immediate errorRate Fired at 60s (breached since 0s): error rate 7% > 5% for 1m (value 0.07, ...)}. */
  private static String finding(Finding f, long origin) {
    StringBuilder sb = new StringBuilder();
    if (f.tier() != null) {
      sb.append(f.tier()).append(' ');
    }
    sb.append(f.signal()).append(' ').append(f.state());
    if (f.state() == FindingState.Fired && f.firedAt() != null) {
      sb.append(" at ").append(time(f.firedAt(), origin));
      if (f.since() != null) {
        sb.append(" (breached since ").append(time(f.since(), origin)).append(')');
      }
    } else if (f.since() != null) {
      sb.append(f.state() == FindingState.Declared ? " at " : " since ").append(time(f.since(), origin));
    }
    sb.append(": ").append(f.message());
    if (f.observed() != null || f.threshold() != null) {
      sb.append(" (value ").append(f.observed() == null ? "none" : number(f.observed()));
      if (f.threshold() != null) {
        sb.append(", threshold ").append(f.thresholdText() != null ? f.thresholdText() : number(f.threshold()));
      }
      sb.append(')');
    }
    return sb.toString();
  }

  /** The exact value, not the rounded one of the message: 0.0500001 is above 5% even if it reads "5%". */
  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  private static String time(long at, long origin) {
    long after = at - origin;
    return after < 0 ? "-" + DurationFormat.format(-after) : DurationFormat.format(after);
  }
}
