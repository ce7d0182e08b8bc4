package io.rollbackguard.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.rollbackguard.api.status.DeploymentStatus;
import io.rollbackguard.api.status.RollbackPolicyStatus;
import io.rollbackguard.verdict.Action;
import io.rollbackguard.verdict.MetricsStatus;
import io.rollbackguard.verdict.Phase;
import io.rollbackguard.verdict.Verdict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.StringJoiner;

/** Sums the targets up for `kubectl get rbp`, and sets the conditions (kstatus-compatible). */
final class PolicyStatusAssembler {
  static final String READY = "Ready";
  static final String METRICS_AVAILABLE = "MetricsAvailable";
  static final String ROLLBACK_RECOMMENDED = "RollbackRecommended";

  private PolicyStatusAssembler() {}

  /** The status of a policy that cannot be enforced; targets and their state are kept as they were. */
  static RollbackPolicyStatus invalid(RollbackPolicyStatus previous, long generation, String problems, long now) {
    RollbackPolicyStatus s = new RollbackPolicyStatus();
    if (previous != null) {
      s.deployments = previous.deployments;
      s.targets = previous.targets;
    }
    s.observedGeneration = generation;
    // What was recommended before the policy became invalid still stands: an edit must not hide a rollback.
    s.action = previous != null && previous.action != null ? previous.action : Action.None.name();
    s.decideBy = previous == null ? null : previous.decideBy;
    s.reason = "invalid policy: " + problems;
    List<Condition> conditions = new ArrayList<>();
    conditions.add(condition(previous, READY, "False", "InvalidPolicy", problems, generation, now));
    conditions.add(condition(previous, METRICS_AVAILABLE, "Unknown", "InvalidPolicy",
        "not evaluated while the policy is invalid", generation, now));
    boolean rollback = Action.valueOf(s.action).isRollback();
    conditions.add(condition(previous, ROLLBACK_RECOMMENDED, rollback ? "True" : "False",
        rollback ? s.action : "InvalidPolicy", rollback ? "recommended before the policy became invalid"
            : "not evaluated while the policy is invalid", generation, now));
    s.conditions = conditions;
    return s;
  }

  /** @param verdicts per target, same order as {@code targets}; null for a target without a revision yet */
  static RollbackPolicyStatus assemble(RollbackPolicyStatus previous, long generation, List<DeploymentStatus> targets,
      List<Verdict> verdicts, boolean metricsConfigured, long now) {
    RollbackPolicyStatus s = new RollbackPolicyStatus();
    s.observedGeneration = generation;
    s.targets = targets.size();
    s.deployments = new ArrayList<>(targets);
    s.deployments.sort(Comparator.comparing(d -> d.name));
    DetailBudget.fit(s.deployments, DetailBudget.BYTES);
    DeploymentStatus worst = null;
    String decideBy = null;
    for (DeploymentStatus d : s.deployments) {
      if (d.action != null && (worst == null || d.action.outranks(worst.action))) {
        worst = d;
      }
      if (d.decideBy != null && (decideBy == null || d.decideBy.compareTo(decideBy) < 0)) {
        decideBy = d.decideBy;
      }
    }
    s.action = (worst == null ? Action.None : worst.action).name();
    s.decideBy = decideBy;
    s.reason = reason(s.deployments, worst);
    List<Condition> conditions = new ArrayList<>();
    conditions.add(condition(previous, READY, "True", "Enforced",
        "policy valid; " + targets.size() + (targets.size() == 1 ? " Deployment" : " Deployments") + " selected",
        generation, now));
    conditions.add(metrics(previous, targets, verdicts, metricsConfigured, generation, now));
    Action action = Action.valueOf(s.action);
    conditions.add(condition(previous, ROLLBACK_RECOMMENDED, action.isRollback() ? "True" : "False",
        action.name(), action.isRollback() ? s.reason : "no rollback recommended", generation, now));
    s.conditions = conditions;
    return s;
  }

  private static String reason(List<DeploymentStatus> sorted, DeploymentStatus worst) {
    if (sorted.isEmpty()) {
      return "no Deployment matches the selector";
    }
    if (worst != null && worst.action != Action.None) {
      return worst.name + ": " + worst.reason;
    }
    for (DeploymentStatus d : sorted) {
      if (d.phase == Phase.Observing || d.phase == Phase.Pending) {
        return d.name + ": observing revision " + d.revision + " until " + d.observeUntil;
      }
    }
    long stable = sorted.stream().filter(d -> d.phase == Phase.Stable).count();
    return stable == sorted.size() ? "all " + stable + " stable" : stable + " of " + sorted.size() + " stable";
  }

  private static Condition metrics(RollbackPolicyStatus previous, List<DeploymentStatus> targets,
      List<Verdict> verdicts, boolean metricsConfigured, long generation, long now) {
    if (!metricsConfigured) {
      return condition(previous, METRICS_AVAILABLE, "False", "NotConfigured",
          "no Prometheus configured: deciding on Kubernetes signals alone", generation, now);
    }
    StringJoiner missing = new StringJoiner("; ");
    boolean known = false;
    for (int i = 0; i < targets.size(); i++) {
      Verdict v = verdicts.get(i);
      if (v == null || v.metrics().state() == MetricsStatus.State.Unknown) {
        continue;
      }
      known = true;
      if (v.metrics().state() == MetricsStatus.State.Unavailable) {
        missing.add(targets.get(i).name + ": " + v.metrics().message());
      }
    }
    if (missing.length() > 0) {
      return condition(previous, METRICS_AVAILABLE, "False", "QueryFailed", missing.toString(), generation, now);
    }
    return known
        ? condition(previous, METRICS_AVAILABLE, "True", "Available", "every used signal has data", generation, now)
        : condition(previous, METRICS_AVAILABLE, "Unknown", "NoSampleYet", "no sample taken yet", generation, now);
  }

  /** A condition whose lastTransitionTime moves only when its status does. */
  static Condition condition(RollbackPolicyStatus previous, String type, String status, String reason,
      String message, long generation, long now) {
    String since = Times.format(now);
    if (previous != null && previous.conditions != null) {
      for (Condition c : previous.conditions) {
        if (type.equals(c.getType()) && status.equals(c.getStatus()) && c.getLastTransitionTime() != null) {
          since = c.getLastTransitionTime();
        }
      }
    }
    return new ConditionBuilder().withType(type).withStatus(status).withReason(reason)
        .withMessage(message.length() > 1024 ? message.substring(0, 1021) + "..." : message)
        .withObservedGeneration(generation).withLastTransitionTime(since).build();
  }
}
