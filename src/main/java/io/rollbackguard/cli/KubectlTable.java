package io.rollbackguard.cli;

import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.api.status.RollbackPolicyStatus;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints policies and verdicts as `kubectl get rbp` and `kubectl get rv` do: the CRDs' printer columns, left-aligned,
 * three spaces apart.
 */
final class KubectlTable {
  private KubectlTable() {}

  static String render(List<RollbackPolicy> policies, Instant now) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NAME", "TARGETS", "ACTION", "DECIDE-BY", "REASON", "AGE"});
    for (RollbackPolicy p : policies) {
      RollbackPolicyStatus s = p.getStatus();
      rows.add(new String[] {
          p.getMetadata().getName(),
          s == null || s.targets == null ? "" : s.targets.toString(),
          s == null || s.action == null ? "" : s.action,
          s == null || s.decideBy == null ? "" : s.decideBy,
          s == null || s.reason == null ? "" : s.reason,
          age(p.getMetadata().getCreationTimestamp(), now)});
    }
    return table(rows);
  }

  static String renderVerdicts(List<RolloutVerdict> verdicts, Instant now) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NAME", "POLICY", "REVISION", "PHASE", "ACTION", "DECIDE-BY", "REASON", "AGE"});
    for (RolloutVerdict v : verdicts) {
      RolloutVerdictStatus s = v.getStatus();
      rows.add(new String[] {
          v.getMetadata().getName(),
          v.getSpec() == null || v.getSpec().policy == null ? "" : v.getSpec().policy,
          s == null || s.revision == null ? "" : s.revision.toString(),
          s == null || s.phase == null ? "" : s.phase.name(),
          s == null || s.action == null ? "" : s.action.name(),
          s == null || s.decideBy == null ? "" : s.decideBy,
          s == null || s.reason == null ? "" : s.reason,
          age(v.getMetadata().getCreationTimestamp(), now)});
    }
    return table(rows);
  }

  private static String table(List<String[]> rows) {
    int[] widths = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        widths[i] = Math.max(widths[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        line.append(r[i]);
        if (i < r.length - 1) {
          line.append(" ".repeat(widths[i] - r[i].length() + 3));
        }
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    return sb.toString();
  }

  /** kubectl's short age: 45s, 3m12s, 2h5m, 3d. */
  static String age(String created, Instant now) {
    if (created == null) {
      return "<unknown>";
    }
    long s = Math.max(0, Duration.between(Instant.parse(created), now).getSeconds());
    if (s < 120) {
      return s + "s";
    }
    if (s < 600) {
      return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
    }
    if (s < 3 * 3600) {
      return s / 60 + "m";
    }
    if (s < 48 * 3600) {
      return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : s % 3600 / 60 + "m");
    }
    return s / 86400 + "d";
  }
}
