package io.rollbackguard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.EvaluationState;
import io.rollbackguard.api.status.TimelineEntry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OperatorMetricsTest {
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final OperatorMetrics metrics = new OperatorMetrics(registry);

  static EvaluationState state(String revision, int taken, int missed, Map<String, Integer> conclusive) {
    EvaluationState s = EvaluationState.forRollout(null, revision, 1_000);
    s.samplesTaken = taken;
    s.samplesMissed = missed;
    s.conclusiveSamples.putAll(conclusive);
    return s;
  }

  @Test
  void theVerdictGaugeHasOneSeriesPerPhaseAndActionOfThePolicyAndGoesWithIt() {
    metrics.verdicts("shop", "checkout", Map.of("Stable", Map.of("None", 7), "Breached", Map.of("RollbackRapid", 1)));
    assertThat(registry.scrape())
        .contains("rollbackguard_verdicts{action=\"None\",namespace=\"shop\",phase=\"Stable\",policy=\"checkout\"} 7")
        .contains("rollbackguard_verdicts{action=\"RollbackRapid\",namespace=\"shop\",phase=\"Breached\",policy=\"checkout\"} 1");
    metrics.verdicts("shop", "checkout", Map.of("Stable", Map.of("None", 8)));
    assertThat(registry.scrape()).doesNotContain("RollbackRapid").contains("phase=\"Stable\",policy=\"checkout\"} 8");
    metrics.retainPolicies(Set.of("shop/other"));
    assertThat(registry.scrape()).doesNotContain("rollbackguard_verdicts{");
  }

  @Test
  void aRecommendationIsCountedOncePerEntryWithTheActionItNames() {
    List<TimelineEntry> added = List.of(
        new TimelineEntry("t", "RolloutObserved", "revision 3 (registry/checkout:v3)"),
        new TimelineEntry("t", "RollbackRecommended", "RollbackRapid (rapid): pods crash looping"),
        new TimelineEntry("t", "Escalated", "RollbackImmediate (immediate): security-flaw declared"));
    metrics.recommended("shop", "checkout", added, Action.RollbackImmediate);
    metrics.recommended("shop", "checkout", List.of(), Action.RollbackImmediate); // a reconcile with nothing new
    assertThat(registry.scrape())
        .contains("rollbackguard_recommendations_total{action=\"RollbackRapid\",namespace=\"shop\",policy=\"checkout\"} 1.0")
        .contains("rollbackguard_recommendations_total{action=\"RollbackImmediate\",namespace=\"shop\",policy=\"checkout\"} 1.0");
  }

  @Test
  void samplesAreTheDifferenceAnEvaluationMadeAndANewRevisionCountsFromZero() {
    Set<String> used = Set.of("errorRate", "latencyP95");
    metrics.samples("shop", "checkout", null, state("2", 1, 0, Map.of("errorRate", 1, "latencyP95", 1)), used, used);
    metrics.samples("shop", "checkout", state("2", 1, 0, Map.of("errorRate", 1, "latencyP95", 1)),
        state("2", 2, 1, Map.of("errorRate", 2, "latencyP95", 3)), used, used);
    // the same state again (a reconcile with no instant due) counts nothing
    metrics.samples("shop", "checkout", state("2", 2, 1, Map.of()), state("2", 2, 1, Map.of()), used, used);
    // a new revision: its window counts from zero
    metrics.samples("shop", "checkout", state("2", 9, 0, Map.of()), state("3", 1, 0, Map.of("errorRate", 1)), used,
        used);
    String scrape = registry.scrape();
    assertThat(scrape)
        .contains("rollbackguard_samples_total{namespace=\"shop\",policy=\"checkout\",result=\"taken\"} 3.0")
        .contains("rollbackguard_samples_total{namespace=\"shop\",policy=\"checkout\",result=\"missed\"} 1.0")
        // revision 2's second evaluation: 2 counted, errorRate conclusive at 1 of them; revision 3: latencyP95 at none
        .contains("rollbackguard_samples_total{namespace=\"shop\",policy=\"checkout\",result=\"inconclusive\"} 2.0");
  }

  /** Watch samples count too; their inconclusive ones are judged on the signals the watch's tiers read. */
  @Test
  void watchSamplesAreCountedOnTheSignalsTheWatchReads() {
    EvaluationState closed = state("2", 21, 0, Map.of("errorRate", 21, "latencyP95", 21));
    EvaluationState watched = state("2", 21, 0, Map.of("errorRate", 21, "latencyP95", 21));
    watched.watchSamplesTaken = 2;
    watched.watchSamplesMissed = 1;
    watched.watchConclusiveSamples = new java.util.TreeMap<>(Map.of("errorRate", 2));
    metrics.samples("shop", "checkout", closed, watched, Set.of("errorRate", "latencyP95"), Set.of("errorRate"));
    assertThat(registry.scrape())
        .contains("rollbackguard_samples_total{namespace=\"shop\",policy=\"checkout\",result=\"taken\"} 2.0")
        .contains("rollbackguard_samples_total{namespace=\"shop\",policy=\"checkout\",result=\"missed\"} 1.0")
        .contains("rollbackguard_samples_total{namespace=\"shop\",policy=\"checkout\",result=\"inconclusive\"} 1.0");
  }

  @Test
  void queriesAreAHistogramWithFewBucketsByOutcome() {
    metrics.queried("shop", "checkout", "errorRate", OperatorMetrics.Outcome.ok, 30_000_000L);
    metrics.queried("shop", "checkout", "errorRate", OperatorMetrics.Outcome.timeout, 1_000_000_000L);
    String scrape = registry.scrape();
    assertThat(scrape).contains("rollbackguard_prometheus_query_duration_seconds_bucket{namespace=\"shop\","
        + "outcome=\"ok\",policy=\"checkout\",signal=\"errorRate\",le=\"0.05\"} 1")
        .contains("rollbackguard_prometheus_query_duration_seconds_count{namespace=\"shop\",outcome=\"timeout\","
            + "policy=\"checkout\",signal=\"errorRate\"} 1");
    assertThat(scrape.lines().filter(l -> l.startsWith("rollbackguard_prometheus_query_duration_seconds_bucket")
        && l.contains("outcome=\"ok\""))).hasSizeLessThanOrEqualTo(12);
    metrics.forgetPolicy("shop", "checkout");
    assertThat(registry.scrape()).doesNotContain("rollbackguard_prometheus_query_duration_seconds_count{");
  }

  @Test
  void aDeletedPolicyTakesItsDeadlineCounterWithIt() {
    io.micrometer.core.instrument.Counter.builder("rollbackguard_deadlines_passed").tag("namespace", "shop")
        .tag("policy", "checkout").register(registry).increment();
    assertThat(registry.scrape()).contains("rollbackguard_deadlines_passed_total{namespace=\"shop\",policy=\"checkout\"} 1");
    metrics.retainPolicies(Set.of("shop/other"));
    assertThat(registry.scrape()).doesNotContain("rollbackguard_deadlines_passed_total{");
  }

  @Test
  void theRolloutStartIsExportedWhileTheWindowIsOpen() {
    metrics.observing("shop", "checkout", "checkout", "3", 1_764_000_000_000L);
    assertThat(registry.scrape()).contains(
        "rollbackguard_rollout_started_timestamp_seconds{deployment=\"checkout\",namespace=\"shop\",revision=\"3\"} 1.764E9");
    metrics.notObserving("shop", "checkout");
    assertThat(registry.scrape()).doesNotContain("rollbackguard_rollout_started_timestamp_seconds{");
    metrics.observing("shop", "checkout", "checkout", "4", 1_764_000_000_000L);
    metrics.retainPolicies(Set.of()); // lost the Lease
    assertThat(registry.scrape()).doesNotContain("rollbackguard_rollout_started_timestamp_seconds{");
    assertThat(metrics.size()).isZero();
  }

  @Test
  void theActionOfAnEntryIsItsFirstWord() {
    assertThat(OperatorMetrics.actionOf(new TimelineEntry("t", "Escalated", "RollbackImmediate (immediate): x"),
        Action.Evaluate)).isEqualTo(Action.RollbackImmediate);
    assertThat(OperatorMetrics.actionOf(new TimelineEntry("t", "Escalated", "something else"), Action.Evaluate))
        .isEqualTo(Action.Evaluate);
  }
}
