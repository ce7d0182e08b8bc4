package io.rollbackguard.verdict;

import static io.rollbackguard.TestingPolicies.kubernetesOnly;
import static io.rollbackguard.TestingPolicies.policy;
import static io.rollbackguard.verdict.EngineRun.obs;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.EvaluationState;
import io.rollbackguard.api.status.FindingState;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.Tier;
import io.rollbackguard.verdict.EngineRun.Obs;
import io.rollbackguard.verdict.VerdictEvent.Type;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class VerdictEngineTest {
  static final String DEFAULTS = "  observation: {window: 15m, interval: 30s}\n";
  static final String FLAGS = DEFAULTS + "  procedure: {featureFlags: [newCheckout]}\n";

  static long min(double minutes) {
    return Math.round(minutes * 60_000);
  }

  /** Each default criterion of the table: a constant breach, the action, the tier, when it fires, its deadline. */
  static Stream<Arguments> defaultCriteria() {
    return Stream.of(
        Arguments.of("errorRate > 5% for 1m", (Supplier<Obs>) () -> obs().healthyMetrics().errorRate(0.06),
            Action.RollbackImmediate, Tier.immediate, 60L, min(6)),
        Arguments.of("serviceDown for 1m", (Supplier<Obs>) () -> obs().healthyMetrics().replicas(3, 0),
            Action.RollbackImmediate, Tier.immediate, 60L, min(6)),
        Arguments.of("errorRate > 1% for 2m", (Supplier<Obs>) () -> obs().healthyMetrics().errorRate(0.02),
            Action.RollbackRapid, Tier.rapid, 120L, min(32)),
        Arguments.of("latencyP95 > 2s for 5m", (Supplier<Obs>) () -> obs().healthyMetrics().latency(2.5),
            Action.RollbackRapid, Tier.rapid, 300L, min(35)),
        Arguments.of("rolloutStuck", (Supplier<Obs>) () -> obs().healthyMetrics().stuck(),
            Action.RollbackRapid, Tier.rapid, 0L, min(30)),
        Arguments.of("crashLooping", (Supplier<Obs>) () -> obs().healthyMetrics().crashLooping(1),
            Action.RollbackRapid, Tier.rapid, 0L, min(30)),
        Arguments.of("latencyP95 > 1s for 5m", (Supplier<Obs>) () -> obs().healthyMetrics().latency(1.5),
            Action.Evaluate, Tier.evaluate, 300L, null),
        Arguments.of("errorRate > 0.1% for 5m", (Supplier<Obs>) () -> obs().healthyMetrics().errorRate(0.005),
            Action.Evaluate, Tier.evaluate, 300L, null));
  }

  @ParameterizedTest(name = "{0} gives {2}")
  @MethodSource("defaultCriteria")
  void eachDefaultCriterionFiresAtItsForDurationAndNotBefore(String name, Supplier<Obs> breach, Action action,
      Tier tier, long firesAtSeconds, Long decideBy) {
    EngineRun run = new EngineRun(policy(DEFAULTS));
    if (firesAtSeconds > 0) {
      Verdict before = run.every(0, firesAtSeconds - 30, breach.get());
      assertThat(before.action()).as("one interval before %ss", firesAtSeconds).isEqualTo(Action.None);
      assertThat(before.phase()).isEqualTo(Phase.Observing);
    }
    Verdict v = run.at(firesAtSeconds, breach.get());
    assertThat(v.action()).isEqualTo(action);
    assertThat(v.tier()).isEqualTo(tier);
    assertThat(v.phase()).isEqualTo(Phase.Breached);
    assertThat(v.actionSince()).isEqualTo(firesAtSeconds * 1000);
    assertThat(v.decideBy()).isEqualTo(decideBy);
    assertThat(v.findings()).anySatisfy(f -> {
      assertThat(f.state()).isEqualTo(FindingState.Fired);
      assertThat(f.tier()).isEqualTo(tier);
      assertThat(f.since()).isEqualTo(0L);
    });
  }

  @Test
  void thresholdsAreStrict() {
    EngineRun run = new EngineRun(policy(DEFAULTS));
    Verdict v = run.every(0, 600, obs().healthyMetrics().errorRate(0.05).latency(2.0));
    assertThat(v.action()).isEqualTo(Action.RollbackRapid); // 5% is not > 5%, but it is > 1%
    assertThat(v.tier()).isEqualTo(Tier.rapid);
  }

  @Test
  void aHealthySampleResetsTheChain() {
    EngineRun run = new EngineRun(policy(DEFAULTS));
    Obs bad = obs().healthyMetrics().errorRate(0.06);
    run.at(0, bad);
    run.at(30, bad);
    assertThat(run.at(60, obs().healthyMetrics()).action()).isEqualTo(Action.None);
    run.at(90, bad);
    assertThat(run.at(120, bad).action()).isEqualTo(Action.None);
    Verdict v = run.at(150, bad);
    assertThat(v.action()).isEqualTo(Action.RollbackImmediate);
    assertThat(v.findings()).anySatisfy(f -> assertThat(f.since()).isEqualTo(90_000L));
  }

  @Test
  void anInconclusiveSampleResetsTheChain() {
    EngineRun run = new EngineRun(policy(DEFAULTS));
    Obs bad = obs().healthyMetrics().errorRate(0.06);
    run.at(0, bad);
    run.at(30, bad);
    Verdict gap = run.at(60, obs().healthyMetrics().failed(Signals.ERROR_RATE, "query failed: timeout"));
    assertThat(gap.action()).isEqualTo(Action.None);
    assertThat(gap.phase()).isEqualTo(Phase.Observing);
    assertThat(gap.metrics().state()).isEqualTo(MetricsStatus.State.Unavailable);
    assertThat(gap.metrics().message()).contains("errorRate: query failed: timeout");
    run.at(90, bad);
    assertThat(run.at(120, bad).action()).isEqualTo(Action.None);
    assertThat(run.at(150, bad).action()).isEqualTo(Action.RollbackImmediate);
  }

  @Test
  void samplesTheOperatorMissedAreInconclusive() {
    EngineRun run = new EngineRun(policy(DEFAULTS));
    Obs bad = obs().healthyMetrics().errorRate(0.06);
    run.at(0, bad);
    run.at(30, bad);
    // down from 31s to 90s: the samples at 60s is missed, the one at 90s is taken
    assertThat(run.at(90, bad).action()).isEqualTo(Action.None);
    assertThat(run.at(120, bad).action()).isEqualTo(Action.None);
    assertThat(run.at(150, bad).action()).isEqualTo(Action.RollbackImmediate);
  }

  @Test
  void aCallBetweenSamplesTakesNoSample() {
    EngineRun run = new EngineRun(policy(DEFAULTS));
    Obs bad = obs().healthyMetrics().errorRate(0.06);
    run.at(0, bad);
    run.at(10, obs().healthyMetrics()); // an event between samples: not a sample, so no reset
    run.at(30, bad);
    assertThat(run.at(60, bad).action()).isEqualTo(Action.RollbackImmediate);
  }

  @Test
  void aHigherTierFiringLaterEscalatesAndMovesTheDeadlineEarlier() {
    EngineRun run = new EngineRun(policy(DEFAULTS));
    Verdict rapid = run.every(0, 120, obs().healthyMetrics().errorRate(0.02));
    assertThat(rapid.action()).isEqualTo(Action.RollbackRapid);
    assertThat(rapid.decideBy()).isEqualTo(min(32));
    Verdict now = run.every(150, 210, obs().healthyMetrics().errorRate(0.07));
    assertThat(now.action()).isEqualTo(Action.RollbackImmediate);
    assertThat(now.tier()).isEqualTo(Tier.immediate);
    assertThat(now.decideBy()).isEqualTo(210_000 + min(5));
    assertThat(run.eventTypes()).containsSubsequence(Type.RollbackRecommended, Type.Escalated);
  }

  @Test
  void anEscalationNeverMovesTheDeadlineLater() {
    EngineRun run = new EngineRun(policy("  observation: {window: 1h, interval: 30s}\n"));
    run.at(0, obs().healthyMetrics().stuck());
    assertThat(run.last.decideBy()).isEqualTo(min(30));
    run.every(30, min(28) / 1000.0 - 30, obs().healthyMetrics());
    Verdict v = run.every(min(28) / 1000.0, min(29) / 1000.0, obs().healthyMetrics().replicas(1, 0));
    assertThat(v.action()).isEqualTo(Action.RollbackImmediate);
    assertThat(v.decideBy()).isEqualTo(min(30)); // 29m + 5m would be later
  }

  @Test
  void severityOrdersTheActions() {
    assertThat(Action.values()).containsExactly(Action.None, Action.Evaluate, Action.DisableFeatureFlag,
        Action.RollbackRapid, Action.RollbackImmediate);
    assertThat(Action.RollbackImmediate.outranks(Action.RollbackRapid)).isTrue();
    assertThat(Action.DisableFeatureFlag.outranks(Action.Evaluate)).isTrue();
  }

  @Test
  void theHighestTierFiringAtTheSameSampleWins() {
    EngineRun run = new EngineRun(policy(DEFAULTS));
    Verdict v = run.every(0, 300, obs().healthyMetrics().latency(3));
    assertThat(v.action()).isEqualTo(Action.RollbackRapid); // evaluate (>1s) fires at the same sample
    assertThat(v.findings()).extracting(Finding::tier).contains(Tier.rapid, Tier.evaluate);
  }

  @Nested
  class FeatureFlags {
    @Test
    void aRapidTierGivesDisableFeatureFlagWithTheRapidDeadline() {
      Verdict v = new EngineRun(policy(FLAGS)).every(0, 120, obs().healthyMetrics().errorRate(0.02));
      assertThat(v.action()).isEqualTo(Action.DisableFeatureFlag);
      assertThat(v.tier()).isEqualTo(Tier.rapid);
      assertThat(v.phase()).isEqualTo(Phase.Breached);
      assertThat(v.decideBy()).isEqualTo(min(32));
    }

    @Test
    void anEvaluateTierGivesDisableFeatureFlag() {
      Verdict v = new EngineRun(policy(FLAGS)).every(0, 300, obs().healthyMetrics().latency(1.5));
      assertThat(v.action()).isEqualTo(Action.DisableFeatureFlag);
      assertThat(v.tier()).isEqualTo(Tier.evaluate);
      assertThat(v.decideBy()).isNull();
    }

    @Test
    void theImmediateTierStaysRollbackImmediate() {
      Verdict v = new EngineRun(policy(FLAGS)).every(0, 60, obs().healthyMetrics().errorRate(0.2));
      assertThat(v.action()).isEqualTo(Action.RollbackImmediate);
    }

    @Test
    void missingDataNeverBecomesDisableFeatureFlag() {
      String spec = "  observation: {window: 2m, interval: 30s}\n  procedure: {featureFlags: [newCheckout]}\n";
      Verdict v = new EngineRun(policy(spec)).every(0, 120, obs());
      assertThat(v.action()).isEqualTo(Action.Evaluate);
      assertThat(v.reasonCode()).isEqualTo("NoData");
      assertThat(v.tier()).isNull();
    }
  }

  /**
   * DESIGN.md §1 Feature flags: with flags listed, a rapid or evaluate tier fired by a metric criterion or a declaration
   * gives DisableFeatureFlag; one fired by a Kubernetes criterion keeps its own action, since no flag restarts pods
   * that do not start; the immediate tier and missing data never give DisableFeatureFlag.
   */
  @Nested
  class FeatureFlagsByWhatFired {
    static final String K8S_EVALUATE = FLAGS
        + "  tiers: {rapid: {crashLooping: {disabled: true}}, evaluate: {crashLooping: {for: 0s}}}\n";

    static Stream<Arguments> whatFired() {
      return Stream.of(
          Arguments.of("rapid errorRate", FLAGS, obs().healthyMetrics().errorRate(0.02), 120,
              Action.DisableFeatureFlag, Tier.rapid),
          Arguments.of("rapid latencyP95", FLAGS, obs().healthyMetrics().latency(2.5), 300,
              Action.DisableFeatureFlag, Tier.rapid),
          Arguments.of("evaluate latencyP95", FLAGS, obs().healthyMetrics().latency(1.5), 300,
              Action.DisableFeatureFlag, Tier.evaluate),
          Arguments.of("critical-feature-broken declared", FLAGS,
              obs().healthyMetrics().declare("critical-feature-broken"), 0, Action.DisableFeatureFlag, Tier.rapid),
          Arguments.of("minor-bug declared", FLAGS, obs().healthyMetrics().declare("minor-bug"), 0,
              Action.DisableFeatureFlag, Tier.evaluate),
          Arguments.of("rapid crashLooping", FLAGS, obs().healthyMetrics().crashLooping(2), 0,
              Action.RollbackRapid, Tier.rapid),
          Arguments.of("rapid rolloutStuck", FLAGS, obs().healthyMetrics().stuck(), 0,
              Action.RollbackRapid, Tier.rapid),
          Arguments.of("crashLooping moved to the evaluate tier", K8S_EVALUATE,
              obs().healthyMetrics().crashLooping(1), 0, Action.Evaluate, Tier.evaluate),
          Arguments.of("immediate errorRate", FLAGS, obs().healthyMetrics().errorRate(0.2), 60,
              Action.RollbackImmediate, Tier.immediate),
          Arguments.of("immediate serviceDown", FLAGS, obs().healthyMetrics().replicas(3, 0), 60,
              Action.RollbackImmediate, Tier.immediate),
          Arguments.of("security-flaw declared", FLAGS, obs().healthyMetrics().declare("security-flaw"), 0,
              Action.RollbackImmediate, Tier.immediate),
          Arguments.of("the same rapid errorRate without flags", DEFAULTS, obs().healthyMetrics().errorRate(0.02),
              120, Action.RollbackRapid, Tier.rapid));
    }

    @ParameterizedTest(name = "{0} gives {4}")
    @MethodSource("whatFired")
    void theActionFollowsWhatFiredNotOnlyTheTier(String name, String spec, Obs breach, long firesAt, Action action,
        Tier tier) {
      EngineRun run = new EngineRun(policy(spec));
      Verdict v = run.every(0, firesAt, breach);
      assertThat(v.action()).isEqualTo(action);
      assertThat(v.tier()).isEqualTo(tier);
      assertThat(v.phase()).isEqualTo(Phase.Breached);
      assertThat(v.decideBy()).isEqualTo(tier == Tier.evaluate ? null
          : firesAt * 1000 + (tier == Tier.immediate ? min(5) : min(30)));
      boolean withheld = spec.contains("featureFlags") && action.withholdsFeatureFlags();
      assertThat(run.events).filteredOn(e -> e.message().contains("no feature flag is offered")).hasSize(
          withheld ? 1 : 0);
    }

    @Test
    void missingDataNeverBecomesDisableFeatureFlag() {
      String spec = "  observation: {window: 2m, interval: 30s}\n  procedure: {featureFlags: [newCheckout]}\n";
      Verdict v = new EngineRun(policy(spec)).every(0, 120, obs());
      assertThat(v.action()).isEqualTo(Action.Evaluate);
      assertThat(v.reasonCode()).isEqualTo("NoData");
      assertThat(v.tier()).isNull();
    }

    @Test
    void aCrashLoopAfterAMetricInTheSameTierWithdrawsTheFlagAndKeepsTheDeadline() {
      EngineRun run = new EngineRun(policy(FLAGS));
      Verdict flag = run.every(0, 120, obs().healthyMetrics().errorRate(0.02));
      assertThat(flag.action()).isEqualTo(Action.DisableFeatureFlag);
      Verdict v = run.at(150, obs().healthyMetrics().errorRate(0.02).crashLooping(1));
      assertThat(v.action()).isEqualTo(Action.RollbackRapid);
      assertThat(v.tier()).isEqualTo(Tier.rapid);
      assertThat(v.decideBy()).isEqualTo(120_000 + min(30));
      assertThat(v.actionSince()).isEqualTo(150_000L);
      assertThat(v.events()).singleElement().satisfies(e -> {
        assertThat(e.type()).isEqualTo(Type.RollbackRecommended);
        assertThat(e.message()).contains("crash-looping", "no feature flag is offered");
      });
    }

    @Test
    void aMetricAfterACrashLoopInTheSameTierDoesNotBringTheFlagBack() {
      EngineRun run = new EngineRun(policy(FLAGS));
      run.at(0, obs().healthyMetrics().crashLooping(1));
      Verdict v = run.every(30, 300, obs().healthyMetrics().crashLooping(1).errorRate(0.02));
      assertThat(v.action()).isEqualTo(Action.RollbackRapid);
      assertThat(run.eventTypes()).containsExactly(Type.RollbackRecommended);
    }

    @Test
    void aHigherTierFiredByAMetricAfterACrashLoopFollowsItsOwnTier() {
      EngineRun run = new EngineRun(policy(FLAGS));
      run.at(0, obs().healthyMetrics().crashLooping(1));
      Verdict v = run.every(30, 90, obs().healthyMetrics().crashLooping(1).errorRate(0.2));
      assertThat(v.action()).isEqualTo(Action.RollbackImmediate);
      assertThat(run.eventTypes()).containsExactly(Type.RollbackRecommended, Type.Escalated);
    }
  }

  /**
   * DESIGN.md §3 Events: the first rollback action a revision gets is RollbackRecommended whatever came before it;
   * Escalated is a rise between rollback tiers only.
   */
  @Nested
  class RecommendationEvents {
    static Stream<Arguments> rises() {
      return Stream.of(
          Arguments.of("Evaluate, then RollbackImmediate", DEFAULTS, obs().healthyMetrics().latency(1.5), 300,
              obs().healthyMetrics().latency(1.5).errorRate(0.2),
              List.of(Type.EvaluationRecommended, Type.RollbackRecommended)),
          Arguments.of("Evaluate, then RollbackRapid", DEFAULTS, obs().healthyMetrics().latency(1.5), 300,
              obs().healthyMetrics().latency(1.5).crashLooping(1),
              List.of(Type.EvaluationRecommended, Type.RollbackRecommended)),
          Arguments.of("DisableFeatureFlag, then RollbackImmediate", FLAGS, obs().healthyMetrics().errorRate(0.02),
              120, obs().healthyMetrics().errorRate(0.2),
              List.of(Type.FeatureFlagRecommended, Type.RollbackRecommended)),
          Arguments.of("DisableFeatureFlag (evaluate), then DisableFeatureFlag (rapid)", FLAGS,
              obs().healthyMetrics().latency(1.5), 300, obs().healthyMetrics().latency(1.5).errorRate(0.02),
              List.of(Type.FeatureFlagRecommended, Type.FeatureFlagRecommended)),
          Arguments.of("RollbackRapid, then RollbackImmediate", DEFAULTS, obs().healthyMetrics().errorRate(0.02),
              120, obs().healthyMetrics().errorRate(0.2), List.of(Type.RollbackRecommended, Type.Escalated)),
          Arguments.of("RollbackRapid, then a declared security flaw", DEFAULTS, obs().healthyMetrics().stuck(), 0,
              obs().healthyMetrics().stuck().declare("security-flaw"),
              List.of(Type.RollbackRecommended, Type.Declared, Type.Escalated)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rises")
    void theFirstRollbackActionIsRollbackRecommendedAndEscalatedIsARiseBetweenRollbackTiers(String name, String spec,
        Obs first, long firstFiresAt, Obs then, List<Type> events) {
      EngineRun run = new EngineRun(policy(spec));
      run.every(0, firstFiresAt, first);
      run.every(firstFiresAt + 30, firstFiresAt + 180, then);
      assertThat(run.eventTypes()).containsExactlyElementsOf(events);
    }

    @Test
    void aNoDataEvaluateThenADeclaredSecurityFlawIsRollbackRecommended() {
      EngineRun run = new EngineRun(policy("  observation: {window: 2m, interval: 30s}\n"));
      run.every(0, 120, obs());
      run.at(200, obs().declare("security-flaw"));
      assertThat(run.eventTypes()).containsExactly(Type.ObservationInconclusive, Type.EvaluationRecommended,
          Type.Declared, Type.RollbackRecommended);
    }
  }

  @Nested
  class NoData {
    static final String SHORT = "  observation: {window: 2m, interval: 30s}\n";

    @Test
    void aWindowWithDataAndNothingFiredClosesStable() {
      EngineRun run = new EngineRun(policy(SHORT));
      Verdict open = run.every(0, 90, obs().healthyMetrics());
      assertThat(open.phase()).isEqualTo(Phase.Observing);
      assertThat(open.observeUntil()).isEqualTo(120_000);
      Verdict v = run.at(120, obs().healthyMetrics());
      assertThat(v.phase()).isEqualTo(Phase.Stable);
      assertThat(v.action()).isEqualTo(Action.None);
      assertThat(run.eventTypes()).containsExactly(Type.ObservationPassed);
    }

    @Test
    void aWindowWithoutDataClosesInconclusiveAndRecommendsEvaluate() {
      EngineRun run = new EngineRun(policy(SHORT));
      Verdict v = run.every(0, 120, obs().errorRate(0).requestRate(5)); // no latency at all
      assertThat(v.phase()).isEqualTo(Phase.Inconclusive);
      assertThat(v.action()).isEqualTo(Action.Evaluate);
      assertThat(v.reasonCode()).isEqualTo("NoData");
      assertThat(v.reason()).contains("latencyP95 conclusive at 0 of 5 samples");
      assertThat(v.decideBy()).isNull();
    }

    @Test
    void dataAtHalfTheSamplesIsNotEnough() {
      EngineRun run = new EngineRun(policy("  observation: {window: 90s, interval: 30s}\n"));
      run.at(0, obs().healthyMetrics());
      run.at(30, obs().healthyMetrics());
      run.at(60, obs());
      Verdict v = run.at(90, obs().healthyMetrics()); // 3 of 4 for... all signals: conclusive 3 of 4 -> enough
      assertThat(v.phase()).isEqualTo(Phase.Stable);

      EngineRun half = new EngineRun(policy("  observation: {window: 90s, interval: 30s}\n"));
      half.at(0, obs().healthyMetrics());
      half.at(30, obs());
      half.at(60, obs());
      assertThat(half.at(90, obs().healthyMetrics()).phase()).isEqualTo(Phase.Inconclusive); // 2 of 4 is not > half
    }

    @Test
    void noDataAtTheLastSampleIsNotEnough() {
      EngineRun run = new EngineRun(policy(SHORT));
      run.every(0, 90, obs().healthyMetrics());
      Verdict v = run.at(120, obs().healthyMetrics().failed(Signals.LATENCY_P95, "empty vector"));
      assertThat(v.phase()).isEqualTo(Phase.Inconclusive);
      assertThat(v.reason()).contains("not at the last (empty vector)");
    }

    @Test
    void onNoDataIgnoreClosesStable() {
      EngineRun run = new EngineRun(policy("  observation: {window: 2m, interval: 30s, onNoData: Ignore}\n"));
      Verdict v = run.every(0, 120, obs());
      assertThat(v.phase()).isEqualTo(Phase.Stable);
      assertThat(v.action()).isEqualTo(Action.None);
    }

    @Test
    void nanAndInfinityAreNoData() {
      EngineRun run = new EngineRun(policy(SHORT));
      Verdict v = run.at(0, obs().healthyMetrics().errorRate(Double.NaN).latency(Double.POSITIVE_INFINITY));
      assertThat(v.metrics().message()).contains("errorRate: value is NaN", "latencyP95: value is infinite");
      assertThat(v.findings()).extracting(Finding::state).containsOnly(FindingState.Inconclusive);
    }

    @Test
    void trafficBelowMinRequestRateMakesErrorRateAndLatencyInconclusive() {
      EngineRun run = new EngineRun(policy("  observation: {window: 15m, interval: 30s, minRequestRate: 0.5}\n"));
      Verdict v = run.every(0, 120, obs().errorRate(0.5).latency(5).requestRate(0.2));
      assertThat(v.action()).isEqualTo(Action.None);
      assertThat(v.metrics().message()).contains("request rate 0.2/s below minRequestRate 0.5/s");
    }

    @Test
    void unknownTrafficMakesErrorRateInconclusiveUnderTheGuard() {
      EngineRun run = new EngineRun(policy("  observation: {window: 2m, interval: 30s, minRequestRate: 1}\n"));
      Verdict v = run.every(0, 120, obs().errorRate(0.5).latency(0.1));
      assertThat(v.action()).isEqualTo(Action.Evaluate);
      assertThat(v.reasonCode()).isEqualTo("NoData");
      assertThat(v.reason()).contains("errorRate conclusive at 0 of 5", "requestRate conclusive at 0 of 5");
    }

    @Test
    void enoughTrafficLetsTheGuardedSignalsFire() {
      EngineRun run = new EngineRun(policy("  observation: {window: 15m, interval: 30s, minRequestRate: 0.5}\n"));
      Verdict v = run.every(0, 60, obs().errorRate(0.5).latency(0.1).requestRate(0.6));
      assertThat(v.action()).isEqualTo(Action.RollbackImmediate);
    }

    @Test
    void aKubernetesOnlyPolicyIgnoresMetricsAndClosesOnKubernetesSignals() {
      EngineRun run = new EngineRun(kubernetesOnly(SHORT));
      Verdict v = run.every(0, 120, obs().errorRate(0.9));
      assertThat(v.phase()).isEqualTo(Phase.Stable);
      assertThat(v.metrics().state()).isEqualTo(MetricsStatus.State.NotConfigured);
    }

    @Test
    void aKubernetesOnlyWindowTheOperatorMostlyMissedIsInconclusive() {
      EngineRun run = new EngineRun(kubernetesOnly(SHORT));
      run.at(0, obs());
      Verdict v = run.at(120, obs());
      assertThat(v.phase()).isEqualTo(Phase.Inconclusive);
      assertThat(v.reason()).contains("the operator took 2 of 5 samples");
      assertThat(run.state.samplesMissed).isEqualTo(3);
    }
  }

  @Test
  void samplesBeforeTheInitialDelayCountForNothing() {
    EngineRun run = new EngineRun(policy("  observation: {initialDelay: 60s, window: 15m, interval: 30s}\n"));
    Obs bad = obs().healthyMetrics().errorRate(0.06);
    assertThat(run.at(0, bad).phase()).isEqualTo(Phase.Pending);
    assertThat(run.at(30, bad).phase()).isEqualTo(Phase.Pending);
    assertThat(run.at(60, bad).phase()).isEqualTo(Phase.Observing);
    assertThat(run.at(90, bad).action()).isEqualTo(Action.None);
    Verdict v = run.at(120, bad);
    assertThat(v.action()).isEqualTo(Action.RollbackImmediate);
    assertThat(v.findings()).anySatisfy(f -> assertThat(f.since()).isEqualTo(60_000L));
  }

  @Test
  void aRecommendationStaysLatchedAfterTheSignalRecovers() {
    EngineRun run = new EngineRun(policy(DEFAULTS));
    run.every(0, 60, obs().healthyMetrics().errorRate(0.06));
    Verdict v = run.every(90, 900, obs().healthyMetrics());
    assertThat(v.action()).isEqualTo(Action.RollbackImmediate);
    assertThat(v.phase()).isEqualTo(Phase.Breached);
    assertThat(v.findings()).anySatisfy(f -> {
      assertThat(f.state()).isEqualTo(FindingState.Fired);
      assertThat(f.observed()).isEqualTo(0.0); // findings keep showing current values
    });
  }

  @Nested
  class Dismissal {
    @Test
    void aDismissalDropsTheRecommendationAndOnlyAHigherTierRaisesAgain() {
      EngineRun run = new EngineRun(policy(DEFAULTS));
      run.every(0, 120, obs().healthyMetrics().errorRate(0.02));
      Verdict dismissed = run.at(130, obs().healthyMetrics().errorRate(0.02).dismiss("7"));
      assertThat(dismissed.action()).isEqualTo(Action.None);
      assertThat(dismissed.phase()).isEqualTo(Phase.Breached);
      assertThat(run.eventTypes()).contains(Type.Dismissed);
      // rapid again (p95) does not come back; evaluate neither
      assertThat(run.every(150, 450, obs().healthyMetrics().errorRate(0.02).latency(2.5).dismiss("7")).action())
          .isEqualTo(Action.None);
      Verdict immediate = run.every(480, 540, obs().healthyMetrics().errorRate(0.09).dismiss("7"));
      assertThat(immediate.action()).isEqualTo(Action.RollbackImmediate);
    }

    @Test
    void aDismissalOfAnotherRevisionIsIgnoredOnceAndSaysWhichRevisionIsCurrent() {
      EngineRun run = new EngineRun(policy(DEFAULTS));
      run.every(0, 120, obs().healthyMetrics().errorRate(0.02));
      Verdict v = run.at(130, obs().healthyMetrics().dismiss("6"));
      assertThat(v.action()).isEqualTo(Action.RollbackRapid);
      assertThat(v.events()).singleElement().satisfies(e -> {
        assertThat(e.type()).isEqualTo(Type.DismissIgnored);
        assertThat(e.message()).contains("dismiss names revision 6, but the current revision is 7",
            "kubectl annotate deployment/checkout -n shop rollbackguard.io/dismiss=7 --overwrite");
      });
      assertThat(run.at(140, obs().healthyMetrics().dismiss("6")).events()).isEmpty();
      assertThat(run.at(150, obs().healthyMetrics().dismiss("5")).events()).extracting(VerdictEvent::type)
          .containsExactly(Type.DismissIgnored);
      assertThat(run.at(160, obs().healthyMetrics().dismiss("7")).action()).isEqualTo(Action.None);
    }

    @Test
    void aDismissAnnotationLeftFromTheLastRevisionIsNotSaidAgainForTheNext() {
      EngineRun run = new EngineRun(policy(DEFAULTS));
      run.every(0, 120, obs().healthyMetrics().errorRate(0.02));
      run.at(130, obs().healthyMetrics().dismiss("7"));
      run.newRevision("8", 600);
      assertThat(run.at(600, obs().healthyMetrics().dismiss("7")).events()).isEmpty();
    }

    /**
     * After a dismissal only a higher tier, a higher action in the severity order, or a new declaration raises a
     * recommendation again (DESIGN.md §1 Latching). Each row: what was dismissed, then what fired.
     */
    static Stream<Arguments> whatRaisesAgainAfterADismissal() {
      return Stream.of(
          Arguments.of("rapid rollback, then rapid again (p95)", DEFAULTS, obs().healthyMetrics().errorRate(0.02),
              obs().healthyMetrics().errorRate(0.02).latency(2.5), Action.None),
          Arguments.of("rapid rollback, then evaluate", DEFAULTS, obs().healthyMetrics().errorRate(0.02),
              obs().healthyMetrics().errorRate(0.02).latency(1.5), Action.None),
          Arguments.of("rapid rollback, then the immediate tier", DEFAULTS, obs().healthyMetrics().errorRate(0.02),
              obs().healthyMetrics().errorRate(0.09), Action.RollbackImmediate),
          Arguments.of("rapid flag, then a crash loop in the same tier (a higher action)", FLAGS,
              obs().healthyMetrics().errorRate(0.02), obs().healthyMetrics().errorRate(0.02).crashLooping(1),
              Action.RollbackRapid),
          Arguments.of("rapid rollback from a crash loop, then a rapid metric (flag is lower)", FLAGS,
              obs().healthyMetrics().crashLooping(1), obs().healthyMetrics().crashLooping(1).errorRate(0.02),
              Action.None),
          Arguments.of("rapid flag, then evaluate", FLAGS, obs().healthyMetrics().errorRate(0.02),
              obs().healthyMetrics().errorRate(0.02).latency(1.5), Action.None),
          Arguments.of("evaluate flag, then rapid (a higher tier)", FLAGS, obs().healthyMetrics().latency(1.5),
              obs().healthyMetrics().latency(1.5).errorRate(0.02), Action.DisableFeatureFlag),
          Arguments.of("rapid rollback, then a new declaration", DEFAULTS, obs().healthyMetrics().errorRate(0.02),
              obs().healthyMetrics().errorRate(0.02).declare("minor-bug"), Action.Evaluate));
    }

    @ParameterizedTest(name = "dismissed {0}: {4}")
    @MethodSource("whatRaisesAgainAfterADismissal")
    void onlyAHigherTierAHigherActionOrANewDeclarationRaisesAgain(String name, String spec, Obs first, Obs then,
        Action expected) {
      EngineRun run = new EngineRun(policy(spec));
      Verdict raised = run.every(0, 300, first);
      assertThat(raised.action()).isNotEqualTo(Action.None);
      assertThat(run.at(310, first.dismiss("7")).action()).isEqualTo(Action.None);
      Verdict v = run.every(330, 900, then.dismiss("7"));
      assertThat(v.action()).isEqualTo(expected);
    }

    @Test
    void aNewDeclarationAfterADismissalRaisesANewRecommendation() {
      EngineRun run = new EngineRun(policy(DEFAULTS));
      run.every(0, 120, obs().healthyMetrics().errorRate(0.02));
      run.at(130, obs().healthyMetrics().dismiss("7"));
      Verdict v = run.at(140, obs().healthyMetrics().dismiss("7").declare("minor-bug"));
      assertThat(v.action()).isEqualTo(Action.Evaluate);
      assertThat(v.tier()).isEqualTo(Tier.evaluate);
    }
  }

  @Nested
  class Declarations {
    @Test
    void aDeclaredSecurityFlawActsAtOnceBetweenSamples() {
      EngineRun run = new EngineRun(policy(DEFAULTS));
      run.at(30, obs().healthyMetrics());
      Verdict v = run.at(45, obs().healthyMetrics().declare("security-flaw").note("CVE-2026-1234"));
      assertThat(v.action()).isEqualTo(Action.RollbackImmediate);
      assertThat(v.tier()).isEqualTo(Tier.immediate);
      assertThat(v.decideBy()).isEqualTo(45_000 + min(5));
      assertThat(v.reason()).isEqualTo("declared security-flaw: CVE-2026-1234");
      assertThat(v.findings()).anySatisfy(f -> assertThat(f.state()).isEqualTo(FindingState.Declared));
    }

    @Test
    void eachDeclarationRaisesItsTier() {
      assertThat(declared("data-corruption").action()).isEqualTo(Action.RollbackImmediate);
      assertThat(declared("critical-feature-broken").action()).isEqualTo(Action.RollbackRapid);
      assertThat(declared("minor-bug").action()).isEqualTo(Action.Evaluate);
      assertThat(declared("isolated-problem").action()).isEqualTo(Action.Evaluate);
      Verdict unknown = declared("oops");
      assertThat(unknown.action()).isEqualTo(Action.None);
      assertThat(unknown.events()).extracting(VerdictEvent::type).containsExactly(Type.DeclarationUnknown);
    }

    private Verdict declared(String value) {
      return new EngineRun(policy(DEFAULTS)).at(0, obs().healthyMetrics().declare(value));
    }

    @Test
    void aDeclarationStaysWithItsRevisionAndIsNotAppliedToTheNext() {
      EngineRun run = new EngineRun(policy(DEFAULTS));
      run.at(0, obs().healthyMetrics().declare("security-flaw"));
      run.newRevision("8", 600);
      Verdict v = run.at(600, obs().healthyMetrics().declare("security-flaw"));
      assertThat(v.action()).isEqualTo(Action.None);
      assertThat(v.phase()).isEqualTo(Phase.Observing);
      assertThat(v.events()).extracting(VerdictEvent::type).containsExactly(Type.DeclarationNotApplied);
      assertThat(run.at(630, obs().healthyMetrics().declare("security-flaw")).events()).isEmpty();
      // removed, then set again: declares against revision 8
      run.at(640, obs().healthyMetrics());
      Verdict again = run.at(650, obs().healthyMetrics().declare("security-flaw"));
      assertThat(again.action()).isEqualTo(Action.RollbackImmediate);
    }

    @Test
    void aRemovedDeclarationIsRecordedAndItsRecommendationStaysUntilDismissed() {
      EngineRun run = new EngineRun(policy(DEFAULTS));
      run.at(0, obs().healthyMetrics().declare("critical-feature-broken"));
      Verdict removed = run.at(10, obs().healthyMetrics());
      assertThat(removed.action()).isEqualTo(Action.RollbackRapid);
      assertThat(removed.findings()).noneMatch(f -> f.state() == FindingState.Declared);
      assertThat(removed.events()).singleElement().satisfies(e -> {
        assertThat(e.type()).isEqualTo(Type.DeclarationRemoved);
        assertThat(e.message()).isEqualTo("critical-feature-broken (revision 7) removed; RollbackRapid stays latched"
            + " until dismissed: kubectl annotate deployment/checkout -n shop rollbackguard.io/dismiss=7 --overwrite");
      });
      assertThat(run.at(20, obs().healthyMetrics()).events()).isEmpty();
      assertThat(run.at(30, obs().healthyMetrics().dismiss("7")).action()).isEqualTo(Action.None);
    }

    @Test
    void aDeclarationOfAnEarlierRevisionRemovedSaysNothingAboutDismissing() {
      EngineRun run = new EngineRun(policy(DEFAULTS));
      run.at(0, obs().healthyMetrics().declare("security-flaw"));
      run.newRevision("8", 600);
      run.at(600, obs().healthyMetrics().declare("security-flaw"));
      Verdict v = run.at(610, obs().healthyMetrics());
      assertThat(v.events()).singleElement().satisfies(e -> {
        assertThat(e.type()).isEqualTo(Type.DeclarationRemoved);
        assertThat(e.message()).isEqualTo("security-flaw (revision 7) removed");
      });
    }

    /** A typo must neither declare nor silently lift the declaration in force. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        a typo over a bound declaration             | security-flaw | security-flw | RollbackImmediate | true
        a typo with nothing declared                 | -             | minor-bugg   | None              | false
        """)
    void aValueThatIsNotADeclarationIsSaidOnceAndClearsNothing(String name, String first, String typo,
        Action action, boolean stillDeclared) {
      EngineRun run = new EngineRun(policy(DEFAULTS));
      if (!first.equals("-")) {
        run.at(0, obs().healthyMetrics().declare(first));
      }
      Verdict v = run.at(10, obs().healthyMetrics().declare(typo));
      assertThat(v.action()).isEqualTo(action);
      assertThat(v.events()).singleElement().satisfies(e -> {
        assertThat(e.type()).isEqualTo(Type.DeclarationUnknown);
        assertThat(e.message()).startsWith("'" + typo + "' is not a declaration; use one of data-corruption");
        if (stillDeclared) {
          assertThat(e.message()).endsWith("; " + first + " (revision 7) stays declared");
        }
      });
      assertThat(v.findings().stream().anyMatch(f -> f.state() == FindingState.Declared)).isEqualTo(stillDeclared);
      assertThat(run.at(20, obs().healthyMetrics().declare(typo)).events()).isEmpty();
      if (stillDeclared) {
        // the typo fixed: the same declaration, still bound, so nothing new
        assertThat(run.at(30, obs().healthyMetrics().declare(first)).events()).isEmpty();
        assertThat(run.at(40, obs().healthyMetrics()).events()).extracting(VerdictEvent::type)
            .containsExactly(Type.DeclarationRemoved);
      }
    }

    @Test
    void aDeclarationStillActsAfterTheWindowClosed() {
      EngineRun run = new EngineRun(policy("  observation: {window: 1m, interval: 30s}\n"));
      assertThat(run.every(0, 60, obs().healthyMetrics()).phase()).isEqualTo(Phase.Stable);
      Verdict v = run.at(3600, obs().healthyMetrics().declare("data-corruption"));
      assertThat(v.action()).isEqualTo(Action.RollbackImmediate);
      assertThat(v.phase()).isEqualTo(Phase.Breached);
    }

    @Test
    void acknowledgementsAndNotesAreRecordedOnce() {
      EngineRun run = new EngineRun(policy(DEFAULTS));
      run.at(0, obs().healthyMetrics().declare("critical-feature-broken"));
      run.at(10, obs().healthyMetrics().declare("critical-feature-broken").note("checkout button dead")
          .ack("alice: on it"));
      run.at(20, obs().healthyMetrics().declare("critical-feature-broken").note("checkout button dead")
          .ack("alice: on it"));
      assertThat(run.eventTypes()).containsExactly(Type.Declared, Type.RollbackRecommended, Type.DeclarationNote,
          Type.Acknowledged);
    }
  }

  @Test
  void aPassedDeadlineIsSaidOnce() {
    EngineRun run = new EngineRun(policy(DEFAULTS));
    run.at(0, obs().healthyMetrics().declare("security-flaw"));
    run.at(299, obs().healthyMetrics().declare("security-flaw"));
    assertThat(run.eventTypes()).doesNotContain(Type.DeadlinePassed);
    run.at(300, obs().healthyMetrics().declare("security-flaw"));
    run.at(330, obs().healthyMetrics().declare("security-flaw"));
    assertThat(run.eventTypes()).containsOnlyOnce(Type.DeadlinePassed);
  }

  @Test
  void aWindowShortenedBelowTheAgeReachedClosesAtTheNextSampleNotInThePast() {
    EngineRun run = new EngineRun(policy("  observation: {window: 15m, interval: 30s}\n"));
    run.every(0, 600, obs().healthyMetrics());
    run.policy = policy("  observation: {window: 5m, interval: 30s}\n");
    Verdict between = run.at(610, obs().healthyMetrics());
    assertThat(between.phase()).isEqualTo(Phase.Observing);
    assertThat(between.observeUntil()).isEqualTo(630_000);
    assertThat(run.state.windowOpen()).isTrue();
    Verdict closed = run.at(630, obs().healthyMetrics());
    assertThat(closed.phase()).isEqualTo(Phase.Stable);
    assertThat(closed.observeUntil()).isEqualTo(630_000);
    assertThat(closed.events()).extracting(VerdictEvent::at).containsExactly(630_000L);
    assertThat(run.state.countedSamples()).isEqualTo(22);
  }

  @Test
  void theGivenStateIsNeverModified() {
    Policy p = policy(DEFAULTS);
    EvaluationState before = EvaluationState.forRollout(null, "7", 0);
    VerdictEngine.evaluate(p, before, obs().healthyMetrics().errorRate(0.5).declare("security-flaw").build(), 0);
    assertThat(before.lastSampleAt).isEqualTo(-1);
    assertThat(before.recommendation).isNull();
    assertThat(before.chains).isEmpty();
  }
}
