package io.rollbackguard.notify;

import io.rollbackguard.api.status.EvaluationState;
import io.rollbackguard.api.status.FindingStatus;
import io.rollbackguard.api.status.Procedure;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.api.status.Tier;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The alert a recorded verdict asks for, if any: the labels Alertmanager routes on (which tier, whether its deadline
 * passed, the policy's own labels) and the annotations on-call reads (why, the evidence, the deadline, the commands).
 */
public final class RecommendationAlert {
  public static final String ALERTNAME = "RollbackRecommended";
  /** Annotations are kept short enough for a pager or a chat message; the runbook command gives the rest. */
  static final int MAX_ANNOTATION = 4096;

  private RecommendationAlert() {}

  /**
   * @param now used only when the status does not say when the recommendation appeared (a status written before it did)
   * @return empty when the verdict recommends nothing the policy notifies for
   */
  public static Optional<Alert> of(String namespace, String deployment, String policy, NotificationRules rules,
      RolloutVerdictStatus status, long now) {
    if (status == null || rules == null || !rules.notifies(status.action)) {
      return Optional.empty();
    }
    EvaluationState.Recommendation r = status.evaluation == null ? null : status.evaluation.recommendation;
    Map<String, String> labels = new TreeMap<>(rules.labels());
    labels.put(AlertLabels.ALERTNAME, ALERTNAME);
    labels.put(AlertLabels.NAMESPACE, namespace);
    labels.put(AlertLabels.DEPLOYMENT, deployment);
    labels.put(AlertLabels.POLICY, policy);
    labels.put(AlertLabels.REVISION, String.valueOf(status.revision));
    labels.put(AlertLabels.ACTION, status.action.name());
    if (status.tier != null) {
      labels.put(AlertLabels.TIER, status.tier.name());
    }
    labels.put(AlertLabels.SEVERITY, severity(status.tier));
    if (r != null && r.deadlinePassed()) {
      labels.put(AlertLabels.DEADLINE, "passed");
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("summary", cap(status.reason == null ? status.action.name() : status.reason));
    String description = description(status);
    if (!description.isEmpty()) {
      annotations.put("description", cap(description));
    }
    if (status.decideBy != null) {
      annotations.put("decide_by", status.decideBy);
    }
    if (status.procedure != null) {
      annotations.put("procedure", cap(procedure(status.procedure)));
    }
    annotations.put("runbook", "rollback-guard runbook -n " + namespace + " " + deployment);
    long startsAt = r != null ? r.raisedAt() : firedAt(status, now);
    return Optional.of(new Alert(new TreeMap<>(labels), annotations, startsAt));
  }

  /** By tier: what pages now, what pages within the half hour, what waits for working hours. */
  static String severity(Tier tier) {
    if (tier == Tier.immediate) {
      return "critical";
    }
    return tier == Tier.rapid ? "high" : "warning";
  }

  /** The findings, one per line, each with its value and threshold (the finding's message says both). */
  static String description(RolloutVerdictStatus status) {
    StringBuilder b = new StringBuilder();
    for (FindingStatus f : status.findings) {
      if (b.length() > 0) {
        b.append('\n');
      }
      b.append(f.tier == null ? "" : f.tier + " ").append(f.signal);
      if (f.state != null) {
        b.append(" (").append(f.state).append(f.since == null ? "" : " since " + f.since).append(')');
      }
      b.append(": ").append(f.message);
    }
    return b.toString();
  }

  /** The commands to paste, each after its step's title as a shell comment: the annotation pastes as it reads. */
  static String procedure(Procedure p) {
    StringBuilder b = new StringBuilder("# ").append(p.title());
    for (Procedure.Step step : p.steps()) {
      b.append("\n# ").append(step.title());
      if (step.command() != null) {
        b.append('\n').append(step.command());
      }
    }
    for (String warning : p.warnings()) {
      b.append("\n# warning: ").append(warning);
    }
    return b.toString();
  }

  private static long firedAt(RolloutVerdictStatus status, long now) {
    try {
      return status.lastIncident != null && status.lastIncident.firedAt != null
          ? Instant.parse(status.lastIncident.firedAt).toEpochMilli() : now;
    } catch (RuntimeException e) {
      return now;
    }
  }

  private static String cap(String text) {
    return text.length() <= MAX_ANNOTATION ? text : text.substring(0, MAX_ANNOTATION - 3) + "...";
  }
}
