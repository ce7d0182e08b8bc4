package io.rollbackguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.api.status.EvaluationState;
import io.rollbackguard.api.status.FindingStatus;
import io.rollbackguard.api.status.LastIncident;
import io.rollbackguard.api.status.RollbackPolicyStatus;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.api.status.TimelineEntry;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ObservedTimesTest {
  static final String EARLY = "2026-11-27T14:30:00Z";
  static final String LATEST = "2026-11-27T14:38:00Z";
  static final String AHEAD = "2026-11-27T14:45:00Z";

  @Test
  void everyObservationCountsAndTheLatestWins() {
    List<Consumer<RolloutVerdictStatus>> observations = List.of(
        d -> d.rolloutStartedAt = LATEST,
        d -> d.timeline.add(new TimelineEntry(LATEST, "Acknowledged", "alice")),
        d -> d.findings.add(finding(f -> f.since = LATEST)),
        d -> d.findings.add(finding(f -> f.firedAt = LATEST)),
        d -> d.findings.add(finding(f -> f.observedAt = LATEST)),
        d -> d.lastIncident = incident(i -> i.firedAt = LATEST),
        d -> d.lastIncident = incident(i -> i.resolvedAt = LATEST),
        d -> d.lastIncident = incident(i -> i.findings.add(finding(f -> f.observedAt = LATEST))),
        d -> {
          d.evaluation = new EvaluationState();
          d.evaluation.lastSampleAt = Instant.parse(LATEST).toEpochMilli();
        });
    for (Consumer<RolloutVerdictStatus> observation : observations) {
      RolloutVerdict verdict = verdict();
      observation.accept(verdict.getStatus());
      assertThat(ObservedTimes.latest(verdict, null)).contains(Instant.parse(LATEST));
    }
  }

  @Test
  void deadlinesAndTheWindowsPlannedEndAreAheadOfTheSaveAndDoNotCount() {
    RolloutVerdict verdict = verdict();
    RolloutVerdictStatus d = verdict.getStatus();
    d.decideBy = AHEAD;
    d.observeUntil = AHEAD;
    d.lastIncident = incident(i -> i.decideBy = AHEAD);
    d.evaluation = new EvaluationState();
    d.evaluation.recommendation = new EvaluationState.Recommendation(4, null, null, 0L, 0L,
        Instant.parse(AHEAD).toEpochMilli(), "x", false);
    RollbackPolicy policy = policy();
    policy.getStatus().decideBy = AHEAD;
    assertThat(ObservedTimes.latest(verdict, policy)).contains(Instant.parse(EARLY));
  }

  @Test
  void thePolicyReadWithTheVerdictCountsByItsCreationAndConditions() {
    RollbackPolicy policy = policy();
    policy.getStatus().conditions.add(new ConditionBuilder().withType("RollbackRecommended").withStatus("True")
        .withLastTransitionTime(LATEST).build());
    assertThat(ObservedTimes.latest(verdict(), policy)).contains(Instant.parse(LATEST));
  }

  @Test
  void aWholeFileIsDatedByTheLatestTimeOfAnyOfItsVerdictsAndPolicies() {
    RolloutVerdict quiet = verdict();
    RolloutVerdict busy = verdict();
    busy.getMetadata().setName("checkout-worker");
    busy.getStatus().rolloutStartedAt = LATEST;
    RollbackPolicy policy = policy();
    assertThat(ObservedTimes.latest(List.of(quiet, policy))).contains(Instant.parse(EARLY));
    assertThat(ObservedTimes.latest(List.of(quiet, busy, policy))).contains(Instant.parse(LATEST));
    assertThat(ObservedTimes.latest(List.of())).isEmpty();
  }

  @Test
  void aTimeThatDoesNotParseIsLeftOutAndNoTimeAtAllIsEmpty() {
    RolloutVerdict verdict = new RolloutVerdict();
    verdict.setMetadata(new ObjectMetaBuilder().withName("checkout").build());
    verdict.setStatus(new RolloutVerdictStatus());
    verdict.getStatus().findings.add(finding(f -> f.observedAt = "just now"));
    assertThat(ObservedTimes.latest(verdict, null)).isEmpty();
  }

  /** Created at EARLY, with nothing else dated. */
  private static RolloutVerdict verdict() {
    RolloutVerdict verdict = new RolloutVerdict();
    verdict.setMetadata(new ObjectMetaBuilder().withName("checkout").withNamespace("shop")
        .withCreationTimestamp(EARLY).build());
    verdict.setStatus(new RolloutVerdictStatus());
    return verdict;
  }

  private static RollbackPolicy policy() {
    RollbackPolicy policy = new RollbackPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName("checkout").withNamespace("shop")
        .withCreationTimestamp("2026-11-20T09:12:44Z").build());
    policy.setStatus(new RollbackPolicyStatus());
    return policy;
  }

  private static FindingStatus finding(Consumer<FindingStatus> dated) {
    FindingStatus f = new FindingStatus();
    f.signal = "errorRate";
    dated.accept(f);
    return f;
  }

  private static LastIncident incident(Consumer<LastIncident> dated) {
    LastIncident i = new LastIncident();
    dated.accept(i);
    return i;
  }
}
