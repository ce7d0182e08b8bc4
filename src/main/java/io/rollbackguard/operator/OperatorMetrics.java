package io.rollbackguard.operator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.EvaluationState;
import io.rollbackguard.api.status.TimelineEntry;
import io.rollbackguard.verdict.VerdictEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The operator's own series for people and dashboards (the README's metrics table says the same, with each one's
 * bound). Every label set is bounded by policies, phases, actions, signals, or Deployments in a window: never by the
 * fleet's history. Only the leader reconciles and samples, so only the leader moves any of them; on losing the Lease
 * the per-verdict gauges are dropped ({@link #retainPolicies} with nothing), and the counters stay where they were.
 */
public final class OperatorMetrics {
  public static final String VERDICTS = "rollbackguard_verdicts";
  public static final String RECOMMENDATIONS = "rollbackguard_recommendations_total";
  public static final String SAMPLES = "rollbackguard_samples_total";
  public static final String QUERY_DURATION = "rollbackguard_prometheus_query_duration_seconds";
  public static final String ROLLOUT_STARTED = "rollbackguard_rollout_started_timestamp_seconds";

  /**
   * Every {@code rollbackguard_*} metric the operator exports, as Prometheus names it: the dashboard may query only
   * these. The notifier's two are registered by the notifier itself.
   */
  public static final Set<String> EXPORTED = Set.of("rollbackguard_leader", "rollbackguard_recommendation", VERDICTS,
      RECOMMENDATIONS, SAMPLES, QUERY_DURATION, ROLLOUT_STARTED, "rollbackguard_notifications_total",
      "rollbackguard_deadlines_passed_total");

  // Micrometer's names: a counter without its _total, a timer without its unit; the Prometheus registry adds them.
  private static final String COUNTER_RECOMMENDATIONS = "rollbackguard_recommendations";
  private static final String COUNTER_SAMPLES = "rollbackguard_samples";
  private static final String TIMER_QUERY = "rollbackguard_prometheus_query_duration";

  /** Query outcomes, the {@code outcome} label of {@link #QUERY_DURATION}. */
  public enum Outcome { ok, error, timeout }

  /** Explicit buckets: a dashboard's p95 needs a dozen, not Micrometer's seventy. */
  private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

  private final MeterRegistry registry;
  private final MultiGauge verdicts;
  private final MultiGauge rolloutStarted;
  /** namespace/policy → "phase/action" → count, as last summed up by the policy reconciler. */
  private final Map<String, Map<String, Integer>> verdictCounts = new ConcurrentHashMap<>();
  /** namespace/deployment → (policy, revision, start in epoch ms), while its window is open. */
  private final Map<String, Started> started = new ConcurrentHashMap<>();

  private record Started(String policy, String revision, long at) {}

  public OperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.verdicts = MultiGauge.builder(VERDICTS)
        .description("Verdicts of a policy's guarded Deployments by phase and action (the policy's summary counts)")
        .register(registry);
    this.rolloutStarted = MultiGauge.builder(ROLLOUT_STARTED)
        .description("Start of the rollout whose window is open, in Unix seconds (for dashboard annotations)")
        .register(registry);
  }

  /** The policy's verdicts, phase → action → count, as its summary counted them. */
  public void verdicts(String namespace, String policy, Map<String, Map<String, Integer>> byPhaseAndAction) {
    Map<String, Integer> flat = new java.util.TreeMap<>();
    byPhaseAndAction.forEach((phase, actions) -> actions.forEach((action, n) -> flat.put(phase + "/" + action, n)));
    Map<String, Integer> before = verdictCounts.put(VerdictReconciler.nsKey(namespace, policy), flat);
    if (!flat.equals(before)) {
      publishVerdicts();
    }
  }

  /**
   * Counts a recommendation once per entry the engine raised it with (its first action for a revision, and each
   * escalation): the entries a restart would not repeat, as it would not repeat their Events.
   */
  public void recommended(String namespace, String policy, List<TimelineEntry> added, Action current) {
    for (TimelineEntry e : added) {
      if (!RECOMMENDATION_EVENTS.contains(e.event)) {
        continue;
      }
      Action action = actionOf(e, current);
      if (action == null || action == Action.None) {
        continue;
      }
      Counter.builder(COUNTER_RECOMMENDATIONS)
          .description("Recommendations raised (first action of a revision, and escalations), by action")
          .tags("namespace", namespace, "policy", policy, "action", action.name())
          .register(registry).increment();
    }
  }

  private static final Set<String> RECOMMENDATION_EVENTS = Set.of(VerdictEvent.Type.RollbackRecommended.name(),
      VerdictEvent.Type.FeatureFlagRecommended.name(), VerdictEvent.Type.EvaluationRecommended.name(),
      VerdictEvent.Type.Escalated.name());

  /** The engine writes these entries as "{action} ({tier}): {reason}" (VerdictEngine.raise). */
  static Action actionOf(TimelineEntry e, Action fallback) {
    String m = e.message == null ? "" : e.message;
    int end = 0;
    while (end < m.length() && Character.isLetter(m.charAt(end))) {
      end++;
    }
    try {
      return Action.valueOf(m.substring(0, end));
    } catch (IllegalArgumentException notAnAction) {
      return fallback;
    }
  }

  /**
   * The counted samples one evaluation added to a window or a watch: taken (Kubernetes facts read at their
   * instant), missed (processed without them), and inconclusive (taken or missed, with a used metric signal not
   * conclusive; in the watch, a signal its tiers read). Computed as the difference between the state the evaluation
   * started from and the one it produced, so each (Deployment, instant) is counted once by the engine that processed
   * it; when one evaluation processes several instants, the inconclusive count is the largest count of one signal's
   * inconclusive samples among them (exact for one).
   */
  public void samples(String namespace, String policy, EvaluationState before, EvaluationState after,
      Set<String> usedMetricSignals, Set<String> watchedMetricSignals) {
    if (after == null) {
      return;
    }
    boolean same = before != null && before.revision != null && before.revision.equals(after.revision)
        && before.rolloutStartedAt == after.rolloutStartedAt;
    EvaluationState from = same ? before : new EvaluationState();
    count(namespace, policy, after.samplesTaken - from.samplesTaken, after.samplesMissed - from.samplesMissed,
        after.conclusiveSamples, from.conclusiveSamples, usedMetricSignals);
    count(namespace, policy, after.watchSamplesTaken - from.watchSamplesTaken,
        after.watchSamplesMissed - from.watchSamplesMissed, after.watchConclusiveSamples, from.watchConclusiveSamples,
        watchedMetricSignals);
  }

  private void count(String namespace, String policy, int taken, int missed, Map<String, Integer> conclusiveAfter,
      Map<String, Integer> conclusiveBefore, Set<String> signals) {
    if (taken < 0 || missed < 0) {
      return; // not the same window after all
    }
    int counted = taken + missed;
    int inconclusive = 0;
    for (String signal : signals) {
      int conclusive = conclusiveAfter.getOrDefault(signal, 0) - conclusiveBefore.getOrDefault(signal, 0);
      inconclusive = Math.max(inconclusive, counted - conclusive);
    }
    increment(namespace, policy, "taken", taken);
    increment(namespace, policy, "missed", missed);
    increment(namespace, policy, "inconclusive", Math.min(inconclusive, counted));
  }

  private void increment(String namespace, String policy, String result, int n) {
    if (n <= 0) {
      return;
    }
    Counter.builder(COUNTER_SAMPLES)
        .description("Counted samples of the policy's windows and watches: taken, missed, and inconclusive (no"
            + " conclusive reading of a used metric signal)")
        .tags("namespace", namespace, "policy", policy, "result", result)
        .register(registry).increment(n);
  }

  /** One Prometheus query the sampler sent for a signal of the policy, and how long it took. */
  public void queried(String namespace, String policy, String signal, Outcome outcome, long nanos) {
    Timer.builder(TIMER_QUERY)
        .description("Prometheus queries the sampler sent, by policy, signal and outcome")
        .tags("namespace", namespace, "policy", policy, "signal", signal, "outcome", outcome.name())
        .serviceLevelObjectives(BUCKETS)
        .register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The Deployment's window is open: its rollout's start is exported. */
  public void observing(String namespace, String deployment, String policy, String revision, long startedAtMillis) {
    Started s = new Started(policy, revision, startedAtMillis);
    if (!s.equals(started.put(VerdictReconciler.nsKey(namespace, deployment), s))) {
      publishStarted();
    }
  }

  /** The Deployment's window is closed (or it is gone): no more rollout start. */
  public void notObserving(String namespace, String deployment) {
    if (started.remove(VerdictReconciler.nsKey(namespace, deployment)) != null) {
      publishStarted();
    }
  }

  /** A policy that is gone loses its series; {@code Set.of()} drops every gauge (this replica stopped leading). */
  public void retainPolicies(Set<String> namespacedPolicies) {
    // Losing the Lease keeps the counters: they count what this replica did, and a scrape must not see them reset.
    drop(key -> !namespacedPolicies.contains(key), !namespacedPolicies.isEmpty());
  }

  /** The policy is gone: its gauges and counters go (a policy re-created counts from 0, as after a restart). */
  public void forgetPolicy(String namespace, String policy) {
    String gone = VerdictReconciler.nsKey(namespace, policy);
    drop(gone::equals, true);
  }

  private void drop(java.util.function.Predicate<String> gone, boolean counters) {
    if (verdictCounts.keySet().removeIf(gone)) {
      publishVerdicts();
    }
    if (started.entrySet().removeIf(e -> gone.test(namespaceOf(e.getKey()) + "/" + e.getValue().policy()))) {
      publishStarted();
    }
    if (counters) {
      List<Meter> meters = new ArrayList<>();
      // rollbackguard_deadlines_passed is registered by RecommendationAlerts; it goes with its policy too.
      for (String name : List.of(COUNTER_RECOMMENDATIONS, COUNTER_SAMPLES, TIMER_QUERY, "rollbackguard_deadlines_passed")) {
        registry.find(name).meters().stream()
            .filter(m -> gone.test(m.getId().getTag("namespace") + "/" + m.getId().getTag("policy")))
            .forEach(meters::add);
      }
      meters.forEach(registry::remove);
    }
  }

  /** Sizes of the maps, for tests that check they are pruned. */
  int size() {
    return verdictCounts.size() + started.size();
  }

  private static String namespaceOf(String key) {
    return key.substring(0, key.indexOf('/'));
  }

  private synchronized void publishVerdicts() {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    verdictCounts.forEach((key, counts) -> counts.forEach((phaseAction, n) -> {
      int slash = phaseAction.indexOf('/');
      rows.add(MultiGauge.Row.of(Tags.of("namespace", namespaceOf(key), "policy", key.substring(key.indexOf('/') + 1),
          "phase", phaseAction.substring(0, slash), "action", phaseAction.substring(slash + 1)), n));
    }));
    verdicts.register(rows, true);
  }

  private synchronized void publishStarted() {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    started.forEach((key, s) -> rows.add(MultiGauge.Row.of(Tags.of("namespace", namespaceOf(key), "deployment",
        key.substring(key.indexOf('/') + 1), "revision", s.revision()), s.at() / 1000.0)));
    rolloutStarted.register(rows, true);
  }
}
