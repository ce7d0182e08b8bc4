package io.rollbackguard.operator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.EvaluationState;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.PolicyRecommendation;
import io.rollbackguard.api.status.Procedure;
import io.rollbackguard.api.status.RollbackPolicyStatus;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.api.status.Tier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Sums a policy's verdicts up into its bounded summary for `kubectl get rbp` (counts, the worst action, the earliest
 * deadline, at most {@value #MAX_RECOMMENDATIONS} recommendations), and sets the conditions (kstatus-compatible).
 */
final class PolicyStatusAssembler {
  static final String READY = "Ready";
  static final String METRICS_AVAILABLE = "MetricsAvailable";
  static final String ROLLBACK_RECOMMENDED = "RollbackRecommended";
  static final String SUSPENDED = "Suspended";
  static final int MAX_RECOMMENDATIONS = 10;
  static final int MAX_CONFLICTS = 20;
  /** The policy status stays under 16 KiB: recommendations past this lose their procedure to a pointer. */
  static final int RECOMMENDATIONS_BUDGET_BYTES = 10 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private PolicyStatusAssembler() {}

  /** What the summary needs of a policy beyond its verdicts. */
  record Context(String namespace, long generation, boolean metricsConfigured, Set<String> usedMetricSignals,
      String metricsProblem, List<RollbackPolicyStatus.Conflict> conflicts, long now, String warnings) {
    Context(String namespace, long generation, boolean metricsConfigured, Set<String> usedMetricSignals,
        String metricsProblem, List<RollbackPolicyStatus.Conflict> conflicts, long now) {
      this(namespace, generation, metricsConfigured, usedMetricSignals, metricsProblem, conflicts, now, null);
    }
  }

  /** The status of a policy that cannot be enforced; counts and recommendations are kept as they were. */
  static RollbackPolicyStatus invalid(RollbackPolicyStatus previous, long generation, String problems, long now) {
    RollbackPolicyStatus s = new RollbackPolicyStatus();
    if (previous != null) {
      s.targets = previous.targets;
      s.phases = previous.phases;
      s.actions = previous.actions;
      s.recommendations = previous.recommendations;
      s.recommendationsOmitted = previous.recommendationsOmitted;
      s.conflicts = previous.conflicts;
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

  static RollbackPolicyStatus assemble(RollbackPolicyStatus previous, List<RolloutVerdict> verdicts, Context c) {
    return assemble(previous, verdicts, byPhaseAndAction(verdicts), c);
  }

  /**
   * The guarded verdicts with a phase, counted by phase and then action (None when there is none): the summary's
   * {@code phases} and {@code actions}, and the {@code rollbackguard_verdicts} gauge.
   */
  static Map<String, Map<String, Integer>> byPhaseAndAction(List<RolloutVerdict> verdicts) {
    Map<String, Map<String, Integer>> counts = new TreeMap<>();
    for (RolloutVerdict v : verdicts) {
      RolloutVerdictStatus d = v.getStatus();
      if (d == null || d.phase == null || Boolean.FALSE.equals(d.guarded)) {
        continue;
      }
      counts.computeIfAbsent(d.phase.name(), p -> new TreeMap<>())
          .merge((d.action == null ? Action.None : d.action).name(), 1, Integer::sum);
    }
    return counts;
  }

  /** @param byPhaseAndAction {@link #byPhaseAndAction} of {@code verdicts} */
  static RollbackPolicyStatus assemble(RollbackPolicyStatus previous, List<RolloutVerdict> verdicts,
      Map<String, Map<String, Integer>> byPhaseAndAction, Context c) {
    RollbackPolicyStatus s = new RollbackPolicyStatus();
    s.observedGeneration = c.generation();
    s.phases = new TreeMap<>();
    s.actions = new TreeMap<>();
    byPhaseAndAction.forEach((phase, actions) -> actions.forEach((action, n) -> {
      s.phases.merge(phase, n, Integer::sum);
      s.actions.merge(action, n, Integer::sum);
    }));
    List<RolloutVerdict> withAction = new ArrayList<>();
    List<RolloutVerdict> observing = new ArrayList<>();
    List<RolloutVerdict> watching = new ArrayList<>();
    int guarded = 0;
    int stable = 0;
    String decideBy = null;
    for (RolloutVerdict v : verdicts) {
      RolloutVerdictStatus d = v.getStatus();
      boolean isGuarded = d == null || !Boolean.FALSE.equals(d.guarded);
      if (isGuarded) {
        guarded++;
      }
      if (d == null || d.phase == null) {
        continue;
      }
      if (d.phase == Phase.Stable) {
        stable++;
      }
      if (d.phase == Phase.Observing || d.phase == Phase.Pending) {
        observing.add(v);
      }
      if (d.phase == Phase.Watching) {
        watching.add(v);
      }
      if (d.action != null && d.action != Action.None) {
        withAction.add(v);
        if (d.decideBy != null && (decideBy == null || d.decideBy.compareTo(decideBy) < 0)) {
          decideBy = d.decideBy;
        }
      }
    }
    withAction.sort(URGENCY);
    s.targets = guarded;
    s.action = (withAction.isEmpty() ? Action.None : withAction.get(0).getStatus().action).name();
    s.decideBy = decideBy;
    s.reason = reason(guarded, stable, withAction, observing, watching);
    s.recommendations = recommendations(withAction, c.namespace());
    s.recommendationsOmitted = withAction.size() - s.recommendations.size();
    s.conflicts = c.conflicts().size() > MAX_CONFLICTS ? new ArrayList<>(c.conflicts().subList(0, MAX_CONFLICTS))
        : new ArrayList<>(c.conflicts());
    List<Condition> conditions = new ArrayList<>();
    conditions.add(condition(previous, READY, "True", "Enforced",
        "policy valid; " + guarded + (guarded == 1 ? " Deployment" : " Deployments") + " guarded"
            + (c.conflicts().isEmpty() ? "" : "; " + c.conflicts().size() + " guarded by an older policy")
            + (c.warnings() == null || c.warnings().isEmpty() ? "" : "; warnings: " + c.warnings()),
        c.generation(), c.now()));
    conditions.add(metrics(previous, verdicts, c));
    // True when a target's action comes from the immediate or rapid tier (a DisableFeatureFlag from rapid included)
    Action action = Action.valueOf(s.action);
    boolean urgent = !withAction.isEmpty() && withAction.stream().map(v -> v.getStatus().tier)
        .anyMatch(t -> t == Tier.immediate || t == Tier.rapid);
    conditions.add(condition(previous, ROLLBACK_RECOMMENDED, urgent ? "True" : "False",
        action.name(), urgent ? s.reason : "no rollback recommended", c.generation(), c.now()));
    s.conditions = conditions;
    return s;
  }

  /**
   * A suspended policy: the summary says so first (the REASON column), what is latched stays visible, and a
   * {@code Suspended} condition says since when.
   */
  static RollbackPolicyStatus suspended(RollbackPolicyStatus previous, RollbackPolicyStatus s, long generation,
      long now) {
    boolean latched = s.action != null && !Action.None.name().equals(s.action);
    s.reason = "Suspended (spec.suspend: true): no sampling, no new recommendation"
        + (latched ? "; latched: " + s.reason : "");
    s.conditions = new ArrayList<>(s.conditions);
    s.conditions.add(condition(previous, SUSPENDED, "True", "SpecSuspend",
        "spec.suspend is true: set it to false to resume", generation, now));
    return s;
  }

  /** Most severe first, then the earliest deadline, then by name. */
  static final Comparator<RolloutVerdict> URGENCY = Comparator
      .comparing((RolloutVerdict v) -> v.getStatus().action, Comparator.reverseOrder())
      .thenComparing(v -> v.getStatus().decideBy == null ? "~" : v.getStatus().decideBy)
      .thenComparing(v -> v.getMetadata().getName());

  private static String reason(int guarded, int stable, List<RolloutVerdict> withAction,
      List<RolloutVerdict> observing, List<RolloutVerdict> watching) {
    if (guarded == 0 && withAction.isEmpty()) {
      return "no Deployment matches the selector";
    }
    if (!withAction.isEmpty()) {
      RolloutVerdict worst = withAction.get(0);
      return worst.getMetadata().getName() + ": " + worst.getStatus().reason + more(withAction.size() - 1);
    }
    if (!observing.isEmpty()) {
      RolloutVerdict first = observing.stream().min(Comparator.comparing(v -> v.getMetadata().getName())).get();
      RolloutVerdictStatus d = first.getStatus();
      return first.getMetadata().getName() + ": observing revision " + d.revision + " until " + d.observeUntil
          + (observing.size() > 1 ? " (and " + (observing.size() - 1) + " more observing)" : "");
    }
    if (!watching.isEmpty()) {
      RolloutVerdict first = watching.stream().min(Comparator.comparing(v -> v.getMetadata().getName())).get();
      RolloutVerdictStatus d = first.getStatus();
      return first.getMetadata().getName() + ": watching revision " + d.revision + ", which passed its window at "
          + d.observeUntil + (watching.size() > 1 ? " (and " + (watching.size() - 1) + " more watching)" : "");
    }
    return stable == guarded ? "all " + stable + " stable" : stable + " of " + guarded + " stable";
  }

  private static String more(int n) {
    return n == 0 ? "" : " (and " + n + " more)";
  }

  /** At most ten, with their procedures while they fit the budget; past it, a pointer to the verdict. */
  private static List<PolicyRecommendation> recommendations(List<RolloutVerdict> sorted, String namespace) {
    List<PolicyRecommendation> out = new ArrayList<>();
    int bytes = 0;
    for (RolloutVerdict v : sorted.subList(0, Math.min(MAX_RECOMMENDATIONS, sorted.size()))) {
      RolloutVerdictStatus d = v.getStatus();
      PolicyRecommendation r = new PolicyRecommendation();
      r.deployment = v.getMetadata().getName();
      r.revision = d.revision;
      r.action = d.action;
      r.tier = d.tier;
      r.decideBy = d.decideBy;
      r.reason = d.reason != null && d.reason.length() > 256 ? d.reason.substring(0, 253) + "..." : d.reason;
      r.procedure = d.procedure;
      int size = size(r);
      if (bytes + size > RECOMMENDATIONS_BUDGET_BYTES) {
        r.procedure = pointer(r.deployment, namespace);
        size = size(r);
      }
      bytes += size;
      out.add(r);
    }
    return out;
  }

  static Procedure pointer(String deployment, String namespace) {
    String command = "kubectl get rv " + deployment + " -n " + namespace + " -o yaml";
    return new Procedure("See the RolloutVerdict for the procedure",
        List.of(new Procedure.Step("Read the procedure", command)), List.of());
  }

  private static int size(Object o) {
    try {
      return JSON.writeValueAsBytes(o).length;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Over the targets being sampled now: those whose window is open. Closed windows say nothing of metrics now. */
  private static Condition metrics(RollbackPolicyStatus previous, List<RolloutVerdict> verdicts, Context c) {
    if (!c.metricsConfigured()) {
      return condition(previous, METRICS_AVAILABLE, "False", "NotConfigured",
          "no Prometheus configured: deciding on Kubernetes signals alone", c.generation(), c.now());
    }
    StringJoiner missing = new StringJoiner("; ");
    java.util.SortedSet<String> signals = new java.util.TreeSet<>(c.usedMetricSignals());
    int sampled = 0;
    int lacking = 0;
    for (RolloutVerdict v : verdicts) {
      RolloutVerdictStatus d = v.getStatus();
      EvaluationState e = d == null ? null : d.evaluation;
      if (e == null || !e.takesSamples() || e.observed == null || e.observed.isEmpty()) {
        continue;
      }
      sampled++;
      StringJoiner mine = new StringJoiner(", ");
      for (String signal : signals) {
        EvaluationState.Observed o = e.observed.get(signal);
        if (o != null && !o.conclusive()) {
          mine.add(signal + ": " + o.reason());
        }
      }
      if (mine.length() > 0) {
        lacking++;
        if (lacking <= 3) {
          missing.add(v.getMetadata().getName() + ": " + mine);
        }
      }
    }
    if (c.metricsProblem() != null && sampled > 0) {
      return condition(previous, METRICS_AVAILABLE, "False", "QueryFailed", c.metricsProblem(), c.generation(),
          c.now());
    }
    if (lacking > 0) {
      return condition(previous, METRICS_AVAILABLE, "False", "QueryFailed", missing
          + (lacking > 3 ? " (and " + (lacking - 3) + " more)" : ""), c.generation(), c.now());
    }
    return sampled > 0
        ? condition(previous, METRICS_AVAILABLE, "True", "Available", "every used signal has data for the "
            + sampled + (sampled == 1 ? " target" : " targets") + " being sampled", c.generation(), c.now())
        : condition(previous, METRICS_AVAILABLE, "True", "Idle", "no target is being sampled now", c.generation(),
            c.now());
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
