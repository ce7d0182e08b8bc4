package io.rollbackguard.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.rollbackguard.api.status.RolloutTracking;
import io.rollbackguard.rollout.StableRevisionTracker.Change;
import io.rollbackguard.rollout.StableRevisionTracker.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RolloutReader (Deployment + ReplicaSets -> snapshot) and StableRevisionTracker (snapshot + memory -> change). */
class RolloutTrackingTest {
  private static final String NS = "shop";
  private static final String NAME = "checkout";
  private static final String UID = "uid-checkout";
  private static final long NOW = Instant.parse("2024-05-01T12:00:00Z").toEpochMilli();
  /** The policy's window: a revision first seen must have been in place longer to be adopted. */
  private static final long WINDOW = 15 * 60_000;
  /** A day before NOW: a revision in place that long is adopted. */
  private static final String LONG_AGO = "2024-04-30T12:00:00Z";

  private static final Map<String, String> V6 = images("app", "shop/checkout:1.6", "sidecar", "envoy:1.29");
  private static final Map<String, String> V7 = images("app", "shop/checkout:1.7", "sidecar", "envoy:1.29");

  // ---------------------------------------------------------------------------------------------------------------
  // RolloutReader
  // ---------------------------------------------------------------------------------------------------------------

  @Test
  void readsTheRevisionAnnotationAsANumber() {
    RolloutSnapshot s = RolloutReader.read(dep(7).complete().build(), List.of(rs(7, "hash7", V7)));

    assertThat(s.revision()).isEqualTo(7L);
    assertThat(s.namespace()).isEqualTo(NS);
    assertThat(s.name()).isEqualTo(NAME);
  }

  @Test
  void aDeploymentWithoutRevisionAnnotationHasNoRevision() {
    RolloutSnapshot s = RolloutReader.read(dep(null).complete().build(), List.of());

    assertThat(s.revision()).isNull();
    assertThat(s.podTemplateHash()).isNull();
  }

  @Test
  void readsTheImageOfEveryContainerInPodSpecOrder() {
    Map<String, String> three = images("zeta", "z:1", "alpha", "a:2", "mid", "m:3");
    RolloutSnapshot s = RolloutReader.read(dep(3).containers(three).complete().build(), List.of());

    assertThat(s.containers()).containsExactly(
        Map.entry("zeta", "z:1"), Map.entry("alpha", "a:2"), Map.entry("mid", "m:3"));
  }

  @Test
  void takesTheCurrentPodTemplateHashFromTheReplicaSetWhoseRevisionMatches() {
    RolloutSnapshot s = RolloutReader.read(dep(7).complete().build(),
        List.of(rs(5, "hash5", V6), rs(7, "hash7", V7), rs(6, "hash6", V6)));

    assertThat(s.podTemplateHash()).isEqualTo("hash7");
  }

  @Test
  void hasNoCurrentHashBeforeTheReplicaSetOfTheRevisionExists() {
    RolloutSnapshot s = RolloutReader.read(dep(7).progressing().build(), List.of(rs(6, "hash6", V6)));

    assertThat(s.revision()).isEqualTo(7L);
    assertThat(s.podTemplateHash()).isNull();
    assertThat(s.revisionCreatedAt()).isNull();
  }

  @Test
  void historyMapsEachOwnedTemplateHashToItsRevisionAndImages() {
    RolloutSnapshot s = RolloutReader.read(dep(7).complete().build(),
        List.of(rs(6, "hash6", V6), rs(7, "hash7", V7)));

    assertThat(s.history()).containsOnlyKeys("hash6", "hash7");
    assertThat(s.history().get("hash6").revision()).isEqualTo(6L);
    assertThat(s.history().get("hash6").containers()).isEqualTo(V6);
    assertThat(s.history().get("hash7").revision()).isEqualTo(7L);
    assertThat(s.history().get("hash7").containers()).isEqualTo(V7);
  }

  @Test
  void ignoresReplicaSetsOwnedByAnotherDeployment() {
    ReplicaSet foreign = rs(7, "foreign7", V6, "Deployment", "payments", "uid-payments");
    ReplicaSet foreignOld = rs(2, "foreign2", V6, "Deployment", "payments", "uid-payments");
    RolloutSnapshot s = RolloutReader.read(dep(7).complete().build(),
        List.of(foreign, foreignOld, rs(6, "hash6", V6)));

    assertThat(s.history()).containsOnlyKeys("hash6");
    // the other Deployment's RS carries the same revision number, it must not be taken as ours
    assertThat(s.podTemplateHash()).isNull();
  }

  @Test
  void ignoresReplicaSetsWithoutOwnerReferences() {
    ReplicaSet orphan = new ReplicaSetBuilder(rs(7, "orphan7", V7)).editMetadata().withOwnerReferences()
        .endMetadata().build();
    RolloutSnapshot s = RolloutReader.read(dep(7).complete().build(), List.of(orphan));

    assertThat(s.history()).isEmpty();
    assertThat(s.podTemplateHash()).isNull();
  }

  @Test
  void readsTheCreationTimeOfTheCurrentRevisionsReplicaSet() {
    ReplicaSet rs7 = created(rs(7, "hash7", V7), "2024-05-01T11:55:00Z");
    ReplicaSet rs6 = created(rs(6, "hash6", V6), "2024-04-20T08:00:00Z");
    RolloutSnapshot s = RolloutReader.read(dep(7).progressing().build(), List.of(rs6, rs7));

    assertThat(s.revisionCreatedAt()).isEqualTo(Instant.parse("2024-05-01T11:55:00Z").toEpochMilli());
  }

  @Test
  void readsReplicasAndAvailableReplicas() {
    RolloutSnapshot s = RolloutReader.read(dep(7).replicas(4).progressing().build(), List.of());

    assertThat(s.replicas()).isEqualTo(4);
    assertThat(s.availableReplicas()).isEqualTo(3);
  }

  @Test
  void completeWhenAllReplicasUpdatedAndAvailableAndNewReplicaSetAvailableAndGenerationObserved() {
    RolloutSnapshot s = RolloutReader.read(dep(7).complete().build(), List.of(rs(7, "hash7", V7)));

    assertThat(s.complete()).isTrue();
    assertThat(s.stuck()).isFalse();
  }

  @Test
  void inProgressWhileProgressingReasonIsReplicaSetUpdated() {
    RolloutSnapshot s = RolloutReader.read(
        dep(7).status(3, 3, 3).condition("Progressing", "True", "ReplicaSetUpdated").build(), List.of());

    assertThat(s.complete()).isFalse();
    assertThat(s.stuck()).isFalse();
  }

  @Test
  void inProgressWhileNotEveryReplicaIsUpdated() {
    RolloutSnapshot s = RolloutReader.read(
        dep(7).status(2, 3, 3).condition("Progressing", "True", "NewReplicaSetAvailable").build(), List.of());

    assertThat(s.complete()).isFalse();
  }

  @Test
  void inProgressWhileNotEveryReplicaIsAvailable() {
    RolloutSnapshot s = RolloutReader.read(
        dep(7).status(3, 2, 3).condition("Progressing", "True", "NewReplicaSetAvailable").build(), List.of());

    assertThat(s.complete()).isFalse();
  }

  @Test
  void inProgressWhileTheControllerHasNotObservedTheLatestGeneration() {
    RolloutSnapshot s = RolloutReader.read(
        dep(7).status(3, 3, 2).condition("Progressing", "True", "NewReplicaSetAvailable").build(), List.of());

    assertThat(s.complete()).isFalse();
  }

  @Test
  void observedGenerationAheadOfGenerationStillCountsAsObserved() {
    RolloutSnapshot s = RolloutReader.read(
        dep(7).status(3, 3, 4).condition("Progressing", "True", "NewReplicaSetAvailable").build(), List.of());

    assertThat(s.complete()).isTrue();
  }

  @Test
  void stuckWhenProgressingIsFalseWithProgressDeadlineExceeded() {
    RolloutSnapshot s = RolloutReader.read(
        dep(7).status(3, 1, 3).condition("Progressing", "False", "ProgressDeadlineExceeded").build(), List.of());

    assertThat(s.stuck()).isTrue();
    assertThat(s.complete()).isFalse();
  }

  @Test
  void stuckRolloutIsNeverCompleteEvenWithAllReplicasAvailable() {
    RolloutSnapshot s = RolloutReader.read(
        dep(7).status(3, 3, 3).condition("Progressing", "False", "ProgressDeadlineExceeded").build(), List.of());

    assertThat(s.stuck()).isTrue();
    assertThat(s.complete()).isFalse();
  }

  @Test
  void notStuckWhenProgressingIsFalseForAnotherReason() {
    RolloutSnapshot s = RolloutReader.read(
        dep(7).status(3, 1, 3).condition("Progressing", "False", "ReplicaSetCreateError").build(), List.of());

    assertThat(s.stuck()).isFalse();
  }

  @Test
  void notStuckWhileProgressingIsTrue() {
    RolloutSnapshot s = RolloutReader.read(
        dep(7).status(3, 1, 3).condition("Progressing", "True", "ReplicaSetUpdated").build(), List.of());

    assertThat(s.stuck()).isFalse();
  }

  @Test
  void passesTheDeploymentAnnotationsThrough() {
    RolloutSnapshot s = RolloutReader.read(
        dep(7).annotation("rollbackguard.io/declare", "security-flaw").complete().build(), List.of());

    assertThat(s.annotation("rollbackguard.io/declare")).isEqualTo("security-flaw");
    assertThat(s.annotation(RolloutReader.REVISION)).isEqualTo("7");
  }

  // ---------------------------------------------------------------------------------------------------------------
  // StableRevisionTracker
  // ---------------------------------------------------------------------------------------------------------------

  @Test
  void aDeploymentFirstSeenCompleteIsAdoptedAsTheStableBaseline() {
    RolloutSnapshot s = RolloutReader.read(dep(6).containers(V6).complete().build(),
        List.of(created(rs(6, "hash6", V6), LONG_AGO)));

    Change c = StableRevisionTracker.track(null, s, NOW, WINDOW);

    assertThat(c.kind()).isEqualTo(Kind.Adopted);
    assertThat(c.tracking().revision()).isEqualTo(6L);
    assertThat(c.tracking().podTemplateHash()).isEqualTo("hash6");
    assertThat(c.tracking().stableRevision()).isEqualTo(6L);
    assertThat(c.tracking().stablePodTemplateHash()).isEqualTo("hash6");
    assertThat(c.tracking().stableContainers()).isEqualTo(V6);
  }

  /**
   * A Deployment first seen with its rollout complete (a new operator, a selector edit, a policy created mid-incident)
   * is adopted only when its revision has been in place longer than the window: a younger one may be the bad rollout,
   * and adopting it would make it the rollback target. The window of the younger one counts from its ReplicaSet's
   * creation, or for a re-used ReplicaSet from now.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      in place a day                          | 2024-04-30T12:00:00Z | false | Adopted        | -
      in place 16m (longer than the window)   | 2024-05-01T11:44:00Z | false | Adopted        | -
      in place exactly the window             | 2024-05-01T11:45:00Z | false | RolloutStarted | 2024-05-01T11:45:00Z
      in place 10m: observed from its start   | 2024-05-01T11:50:00Z | false | RolloutStarted | 2024-05-01T11:50:00Z
      re-used ReplicaSet made a month ago     | 2024-04-01T12:00:00Z | true  | RolloutStarted | 2024-05-01T12:00:00Z
      no creation timestamp                   | -                    | false | RolloutStarted | 2024-05-01T12:00:00Z
      """)
  void aCompleteRolloutFirstSeenIsAdoptedOnlyWhenItsRevisionIsOlderThanTheWindow(String name, String created,
      boolean reused, Kind kind, String startedAt) {
    ReplicaSet rs6 = created == null ? rs(6, "hash6", V6) : created(rs(6, "hash6", V6), created);
    if (reused) {
      rs6 = new ReplicaSetBuilder(rs6).editMetadata()
          .addToAnnotations("deployment.kubernetes.io/revision-history", "3").endMetadata().build();
    }
    RolloutSnapshot s = RolloutReader.read(dep(6).containers(V6).complete().build(), List.of(rs6));

    Change c = StableRevisionTracker.track(null, s, NOW, WINDOW);

    assertThat(c.kind()).isEqualTo(kind);
    if (kind == Kind.Adopted) {
      assertThat(c.tracking().stableRevision()).isEqualTo(6L);
    } else {
      assertThat(c.tracking().stableRevision()).as("never the stable baseline").isNull();
      assertThat(c.tracking().stablePodTemplateHash()).isNull();
      assertThat(c.startedAt()).isEqualTo(Instant.parse(startedAt).toEpochMilli());
    }
  }

  @Test
  void aDeploymentFirstSeenMidRolloutStartsAWindowWithNoStableRevision() {
    RolloutSnapshot s = RolloutReader.read(dep(7).containers(V7).progressing().build(),
        List.of(rs(6, "hash6", V6), rs(7, "hash7", V7)));

    Change c = StableRevisionTracker.track(null, s, NOW, WINDOW);

    assertThat(c.kind()).isEqualTo(Kind.RolloutStarted);
    assertThat(c.tracking().revision()).isEqualTo(7L);
    assertThat(c.tracking().podTemplateHash()).isEqualTo("hash7");
    assertThat(c.tracking().stableRevision()).isNull();
    assertThat(c.tracking().stablePodTemplateHash()).isNull();
    assertThat(StableRevisionTracker.stableInHistory(c.tracking(), s)).isFalse();
    assertThat(StableRevisionTracker.stableContainers(c.tracking(), s)).isEmpty();
  }

  @Test
  void waitsWhileTheDeploymentHasNoRevision() {
    RolloutSnapshot s = RolloutReader.read(dep(null).progressing().build(), List.of());

    Change c = StableRevisionTracker.track(null, s, NOW, WINDOW);

    assertThat(c.kind()).isEqualTo(Kind.Waiting);
    assertThat(c.tracking()).isNull();
  }

  @Test
  void waitsWhileTheReplicaSetOfTheNewRevisionDoesNotExistYetAndKeepsWhatItKnew() {
    RolloutTracking previous = adoptedAt6();
    RolloutSnapshot s = RolloutReader.read(dep(7).containers(V7).progressing().build(), List.of(rs(6, "hash6", V6)));

    Change c = StableRevisionTracker.track(previous, s, NOW, WINDOW);

    assertThat(c.kind()).isEqualTo(Kind.Waiting);
    assertThat(c.tracking()).isEqualTo(previous);
  }

  @Test
  void theSameRevisionIsUnchangedAndKeepsTheStableRevisionAndRestarts() {
    RolloutTracking previous = new RolloutTracking(7, "hash7", 6L, "hash6", V6, 4);
    RolloutSnapshot s = RolloutReader.read(dep(7).containers(V7).complete().build(),
        List.of(rs(6, "hash6", V6), rs(7, "hash7", V7)));

    Change c = StableRevisionTracker.track(previous, s, NOW, WINDOW);

    assertThat(c.kind()).isEqualTo(Kind.Unchanged);
    assertThat(c.tracking().revision()).isEqualTo(7L);
    assertThat(c.tracking().stableRevision()).isEqualTo(6L);
    assertThat(c.tracking().stablePodTemplateHash()).isEqualTo("hash6");
    assertThat(c.tracking().stableContainers()).isEqualTo(V6);
    assertThat(c.tracking().restarts()).isEqualTo(4);
  }

  @Test
  void aNewTemplateStartsARolloutAndKeepsTheOldStableRevision() {
    RolloutTracking previous = adoptedAt6();
    previous = previous.withRestarts(9);
    RolloutSnapshot s = RolloutReader.read(dep(7).containers(V7).progressing().build(),
        List.of(rs(6, "hash6", V6), rs(7, "hash7", V7)));

    Change c = StableRevisionTracker.track(previous, s, NOW, WINDOW);

    assertThat(c.kind()).isEqualTo(Kind.RolloutStarted);
    assertThat(c.tracking().revision()).isEqualTo(7L);
    assertThat(c.tracking().podTemplateHash()).isEqualTo("hash7");
    assertThat(c.tracking().stableRevision()).isEqualTo(6L);
    assertThat(c.tracking().stablePodTemplateHash()).isEqualTo("hash6");
    assertThat(c.tracking().stableContainers()).isEqualTo(V6);
    // restarts of the old revision's pods say nothing about the new one
    assertThat(c.tracking().restarts()).isNull();
    assertThat(StableRevisionTracker.stableInHistory(c.tracking(), s)).isTrue();
  }

  @Test
  void aRolloutThatNeverPassedItsWindowIsNotTheRollbackTarget() {
    // 6 stable, 7 rolled out (window never passed), 8 rolled out on top of it: the target stays 6, not 7
    RolloutTracking at7 = new RolloutTracking(7, "hash7", 6L, "hash6", V6, null);
    Map<String, String> v8 = images("app", "shop/checkout:1.8", "sidecar", "envoy:1.29");
    RolloutSnapshot s = RolloutReader.read(dep(8).containers(v8).progressing().build(),
        List.of(rs(6, "hash6", V6), rs(7, "hash7", V7), rs(8, "hash8", v8)));

    Change c = StableRevisionTracker.track(at7, s, NOW, WINDOW);

    assertThat(c.kind()).isEqualTo(Kind.RolloutStarted);
    assertThat(c.tracking().stableRevision()).isEqualTo(6L);
    assertThat(c.tracking().stablePodTemplateHash()).isEqualTo("hash6");
  }

  @Test
  void theStableTemplateComingBackUnderANewNumberIsARollbackAndTheStableNumberFollows() {
    // revision 6 was stable, 7 rolled out, `kubectl rollout undo` re-numbers the hash6 ReplicaSet as revision 8
    RolloutTracking at7 = new RolloutTracking(7, "hash7", 6L, "hash6", V6, 3);
    RolloutSnapshot s = RolloutReader.read(dep(8).containers(V6).progressing().build(),
        List.of(created(rs(8, "hash6", V6), "2024-04-01T00:00:00Z"), rs(7, "hash7", V7)));

    Change c = StableRevisionTracker.track(at7, s, NOW, WINDOW);

    assertThat(c.kind()).isEqualTo(Kind.RolledBack);
    assertThat(c.tracking().revision()).isEqualTo(8L);
    assertThat(c.tracking().podTemplateHash()).isEqualTo("hash6");
    assertThat(c.tracking().stableRevision()).isEqualTo(8L);
    assertThat(c.tracking().stablePodTemplateHash()).isEqualTo("hash6");
    assertThat(c.tracking().restarts()).isNull();
    // the fresh verification window starts now, not when the old ReplicaSet was created weeks ago
    assertThat(c.startedAt()).isEqualTo(NOW);
  }

  @Test
  void afterARollbackTheSameRevisionIsUnchanged() {
    RolloutTracking at8 = new RolloutTracking(8, "hash6", 8L, "hash6", V6, null);
    RolloutSnapshot s = RolloutReader.read(dep(8).containers(V6).complete().build(),
        List.of(rs(8, "hash6", V6), rs(7, "hash7", V7)));

    Change c = StableRevisionTracker.track(at8, s, NOW, WINDOW);

    assertThat(c.kind()).isEqualTo(Kind.Unchanged);
    assertThat(c.tracking().stableRevision()).isEqualTo(8L);
  }

  @Test
  void theStableNumberFollowsReNumberingEvenWhileAnotherRevisionIsTracked() {
    // stable hash6 was re-numbered to 8 elsewhere in history; tracked revision is unchanged
    RolloutTracking at9 = new RolloutTracking(9, "hash9", 6L, "hash6", V6, null);
    Map<String, String> v9 = images("app", "shop/checkout:1.9", "sidecar", "envoy:1.29");
    RolloutSnapshot s = RolloutReader.read(dep(9).containers(v9).progressing().build(),
        List.of(rs(8, "hash6", V6), rs(9, "hash9", v9)));

    Change c = StableRevisionTracker.track(at9, s, NOW, WINDOW);

    assertThat(c.kind()).isEqualTo(Kind.Unchanged);
    assertThat(c.tracking().stableRevision()).isEqualTo(8L);
  }

  @Test
  void aStableRevisionThatLeftHistoryKeepsItsRememberedNumberAndContainers() {
    RolloutTracking at7 = new RolloutTracking(7, "hash7", 6L, "hash6", V6, null);
    // revisionHistoryLimit pruned the hash6 ReplicaSet
    RolloutSnapshot s = RolloutReader.read(dep(7).containers(V7).progressing().build(), List.of(rs(7, "hash7", V7)));

    Change c = StableRevisionTracker.track(at7, s, NOW, WINDOW);

    assertThat(StableRevisionTracker.stableInHistory(c.tracking(), s)).isFalse();
    assertThat(c.tracking().stableRevision()).isEqualTo(6L);
    assertThat(c.tracking().stablePodTemplateHash()).isEqualTo("hash6");
    assertThat(c.tracking().stableContainers()).isEqualTo(V6);
    assertThat(StableRevisionTracker.stableContainers(c.tracking(), s)).isEqualTo(V6);
  }

  @Test
  void aStableRevisionStillInHistoryIsReadFromItsReplicaSet() {
    RolloutTracking at7 = new RolloutTracking(7, "hash7", 6L, "hash6", Map.of("app", "remembered:old"), null);
    RolloutSnapshot s = RolloutReader.read(dep(7).containers(V7).progressing().build(),
        List.of(rs(6, "hash6", V6), rs(7, "hash7", V7)));

    assertThat(StableRevisionTracker.stableInHistory(at7, s)).isTrue();
    assertThat(StableRevisionTracker.stableContainers(at7, s)).isEqualTo(V6);
  }

  @Test
  void withNoStableRevisionNothingIsInHistory() {
    RolloutSnapshot s = RolloutReader.read(dep(7).progressing().build(), List.of(rs(7, "hash7", V7)));

    assertThat(StableRevisionTracker.stableInHistory(null, s)).isFalse();
    assertThat(StableRevisionTracker.stableInHistory(new RolloutTracking(7, "hash7", null, null, null, null), s))
        .isFalse();
    assertThat(StableRevisionTracker.stableContainers(null, s)).isEmpty();
  }

  @Test
  void promotingMakesTheTrackedRevisionTheStableOne() {
    RolloutTracking at7 = new RolloutTracking(7, "hash7", 6L, "hash6", V6, 2);

    RolloutTracking promoted = at7.promoted(V7);

    assertThat(promoted.revision()).isEqualTo(7L);
    assertThat(promoted.stableRevision()).isEqualTo(7L);
    assertThat(promoted.stablePodTemplateHash()).isEqualTo("hash7");
    assertThat(promoted.stableContainers()).isEqualTo(V7);
    assertThat(promoted.restarts()).isEqualTo(2);
  }

  @Test
  void aPromotedRevisionIsTheTargetOfTheNextRollout() {
    RolloutTracking promoted = new RolloutTracking(7, "hash7", 6L, "hash6", V6, null).promoted(V7);
    Map<String, String> v8 = images("app", "shop/checkout:1.8", "sidecar", "envoy:1.29");
    RolloutSnapshot s = RolloutReader.read(dep(8).containers(v8).progressing().build(),
        List.of(rs(6, "hash6", V6), rs(7, "hash7", V7), rs(8, "hash8", v8)));

    Change c = StableRevisionTracker.track(promoted, s, NOW, WINDOW);

    assertThat(c.kind()).isEqualTo(Kind.RolloutStarted);
    assertThat(c.tracking().stableRevision()).isEqualTo(7L);
    assertThat(StableRevisionTracker.stableContainers(c.tracking(), s)).isEqualTo(V7);
  }

  @Test
  void rolloutStartTimeIsTheNewReplicaSetsCreationWhenTheOperatorSawItLate() {
    String created = "2024-05-01T11:57:30Z";
    RolloutSnapshot s = RolloutReader.read(dep(7).containers(V7).progressing().build(),
        List.of(rs(6, "hash6", V6), created(rs(7, "hash7", V7), created)));

    Change c = StableRevisionTracker.track(adoptedAt6(), s, NOW, WINDOW);

    assertThat(c.kind()).isEqualTo(Kind.RolloutStarted);
    assertThat(c.startedAt()).isEqualTo(Instant.parse(created).toEpochMilli());
  }

  @Test
  void rolloutStartTimeIsNeverInTheFuture() {
    // clock skew: the API server's timestamp is ahead of the operator's clock
    RolloutSnapshot s = RolloutReader.read(dep(7).containers(V7).progressing().build(),
        List.of(rs(6, "hash6", V6), created(rs(7, "hash7", V7), "2024-05-01T12:00:05Z")));

    Change c = StableRevisionTracker.track(adoptedAt6(), s, NOW, WINDOW);

    assertThat(c.startedAt()).isEqualTo(NOW);
  }

  @Test
  void undoingToAnOlderRevisionThatWasNeverStableStartsItsWindowNotWhenItsOldReplicaSetWasCreated() {
    // 6 is stable (adopted), 7 rolled out; `kubectl rollout undo --to-revision=5` re-uses the revision-5
    // ReplicaSet, created weeks ago, and re-numbers it 8 (the controller records the old number in revision-history).
    // It is a new rollout (not the stable template) whose clock starts now (DESIGN §1 Timing: "A rollout starts
    // the clock at t=0"); dating it from the old ReplicaSet would put its whole window in the past.
    Map<String, String> v5 = images("app", "shop/checkout:1.5", "sidecar", "envoy:1.29");
    ReplicaSet reused = new ReplicaSetBuilder(created(rs(8, "hash5", v5), "2024-03-01T09:00:00Z"))
        .editMetadata().addToAnnotations("deployment.kubernetes.io/revision-history", "5").endMetadata().build();
    RolloutTracking at7 = new RolloutTracking(7, "hash7", 6L, "hash6", V6, null);
    RolloutSnapshot s = RolloutReader.read(dep(8).containers(v5).progressing().build(),
        List.of(rs(6, "hash6", V6), created(rs(7, "hash7", V7), "2024-05-01T11:00:00Z"), reused));

    Change c = StableRevisionTracker.track(at7, s, NOW, WINDOW);

    assertThat(c.kind()).isEqualTo(Kind.RolloutStarted);
    assertThat(c.tracking().stableRevision()).isEqualTo(6L);
    assertThat(c.startedAt()).isEqualTo(NOW);
  }

  @Test
  void rolloutStartTimeIsNowWhenTheReplicaSetHasNoCreationTimestamp() {
    RolloutSnapshot s = RolloutReader.read(dep(7).containers(V7).progressing().build(),
        List.of(rs(6, "hash6", V6), rs(7, "hash7", V7)));

    Change c = StableRevisionTracker.track(adoptedAt6(), s, NOW, WINDOW);

    assertThat(c.startedAt()).isEqualTo(NOW);
  }

  @Test
  void aDeploymentFirstSeenMidRolloutAlsoDatesTheWindowFromItsReplicaSet() {
    String created = "2024-05-01T11:59:00Z";
    RolloutSnapshot s = RolloutReader.read(dep(7).containers(V7).progressing().build(),
        List.of(created(rs(7, "hash7", V7), created)));

    Change c = StableRevisionTracker.track(null, s, NOW, WINDOW);

    assertThat(c.kind()).isEqualTo(Kind.RolloutStarted);
    assertThat(c.startedAt()).isEqualTo(Instant.parse(created).toEpochMilli());
  }

  private RolloutTracking adoptedAt6() {
    RolloutSnapshot s = RolloutReader.read(dep(6).containers(V6).complete().build(),
        List.of(created(rs(6, "hash6", V6), LONG_AGO)));
    Change c = StableRevisionTracker.track(null, s, NOW - 3_600_000, WINDOW);
    assertThat(c.kind()).isEqualTo(Kind.Adopted);
    return c.tracking();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Builders
  // ---------------------------------------------------------------------------------------------------------------

  private static Map<String, String> images(String... nameImage) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < nameImage.length; i += 2) {
      out.put(nameImage[i], nameImage[i + 1]);
    }
    return out;
  }

  private static List<Container> containerList(Map<String, String> images) {
    List<Container> out = new ArrayList<>();
    images.forEach((n, i) -> out.add(new ContainerBuilder().withName(n).withImage(i).build()));
    return out;
  }

  private static DeploymentSpec dep(Integer revision) {
    return new DeploymentSpec(revision);
  }

  /** A small fluent description of a Deployment, built with Fabric8's DeploymentBuilder. */
  private static final class DeploymentSpec {
    private final Integer revision;
    private int replicas = 3;
    private Map<String, String> containers = V7;
    private final Map<String, String> annotations = new LinkedHashMap<>();
    private Integer updated;
    private Integer available;
    private long generation = 3;
    private Long observedGeneration;
    private final List<String[]> conditions = new ArrayList<>();

    DeploymentSpec(Integer revision) {
      this.revision = revision;
    }

    DeploymentSpec replicas(int n) {
      replicas = n;
      return this;
    }

    DeploymentSpec containers(Map<String, String> c) {
      containers = c;
      return this;
    }

    DeploymentSpec annotation(String k, String v) {
      annotations.put(k, v);
      return this;
    }

    /** Status: updated and available replicas, observedGeneration (metadata.generation is 3). */
    DeploymentSpec status(int updated, int available, long observedGeneration) {
      this.updated = updated;
      this.available = available;
      this.observedGeneration = observedGeneration;
      return this;
    }

    DeploymentSpec condition(String type, String status, String reason) {
      conditions.add(new String[] {type, status, reason});
      return this;
    }

    DeploymentSpec complete() {
      return status(replicas, replicas, generation)
          .condition("Available", "True", "MinimumReplicasAvailable")
          .condition("Progressing", "True", "NewReplicaSetAvailable");
    }

    DeploymentSpec progressing() {
      return status(1, replicas - 1, generation)
          .condition("Available", "True", "MinimumReplicasAvailable")
          .condition("Progressing", "True", "ReplicaSetUpdated");
    }

    Deployment build() {
      Map<String, String> ann = new LinkedHashMap<>(annotations);
      if (revision != null) {
        ann.put(RolloutReader.REVISION, Integer.toString(revision));
      }
      DeploymentBuilder b = new DeploymentBuilder()
          .withNewMetadata().withNamespace(NS).withName(NAME).withUid(UID).withGeneration(generation)
          .withLabels(Map.of("app", NAME)).withAnnotations(ann).endMetadata()
          .withNewSpec().withReplicas(replicas).withNewSelector().withMatchLabels(Map.of("app", NAME)).endSelector()
          .withNewTemplate().withNewMetadata().withLabels(Map.of("app", NAME)).endMetadata()
          .withNewSpec().withContainers(containerList(containers)).endSpec().endTemplate()
          .endSpec();
      var status = b.withNewStatus().withReplicas(replicas).withUpdatedReplicas(updated)
          .withAvailableReplicas(available).withObservedGeneration(observedGeneration);
      for (String[] c : conditions) {
        status.addToConditions(new DeploymentConditionBuilder().withType(c[0]).withStatus(c[1]).withReason(c[2])
            .build());
      }
      return status.endStatus().build();
    }
  }

  private static ReplicaSet rs(long revision, String hash, Map<String, String> containers) {
    return rs(revision, hash, containers, "Deployment", NAME, UID);
  }

  private static ReplicaSet rs(long revision, String hash, Map<String, String> containers, String ownerKind,
      String ownerName, String ownerUid) {
    Map<String, String> labels = Map.of("app", NAME, RolloutReader.POD_TEMPLATE_HASH, hash);
    return new ReplicaSetBuilder()
        .withNewMetadata().withNamespace(NS).withName(ownerName + "-" + hash).withUid("uid-rs-" + hash)
        .withLabels(labels).addToAnnotations(RolloutReader.REVISION, Long.toString(revision))
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind(ownerKind)
            .withName(ownerName).withUid(ownerUid).withController(true).build())
        .endMetadata()
        .withNewSpec().withReplicas(3).withNewSelector().withMatchLabels(labels).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
        .withNewSpec().withContainers(containerList(containers)).endSpec().endTemplate()
        .endSpec()
        .build();
  }

  private static ReplicaSet created(ReplicaSet rs, String timestamp) {
    return new ReplicaSetBuilder(rs).editMetadata().withCreationTimestamp(timestamp).endMetadata().build();
  }
}
