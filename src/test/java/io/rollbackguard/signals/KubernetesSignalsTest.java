package io.rollbackguard.signals;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.rollbackguard.rollout.RolloutReader;
import io.rollbackguard.rollout.RolloutSnapshot;
import io.rollbackguard.verdict.MetricReading;
import io.rollbackguard.verdict.Observation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** KubernetesSignals.observe and PodState.of: the signals that come from the cluster itself. */
class KubernetesSignalsTest {

  // --- serviceDown -------------------------------------------------------------------------------------------------

  @Test
  void serviceIsDownWhenNoReplicaIsAvailableWhileReplicasAreWanted() {
    Observation o = observe(snapshot(3, 0), List.of(), null);

    assertThat(o.replicas()).isEqualTo(3);
    assertThat(o.availableReplicas()).isEqualTo(0);
    assertThat(o.serviceDown()).isTrue();
  }

  @Test
  void serviceIsNotDownWhileOneReplicaIsAvailable() {
    Observation o = observe(snapshot(3, 1), List.of(), null);

    assertThat(o.serviceDown()).isFalse();
  }

  @Test
  void aDeploymentScaledToZeroIsNotDown() {
    Observation o = observe(snapshot(0, 0), List.of(), null);

    assertThat(o.replicas()).isEqualTo(0);
    assertThat(o.serviceDown()).isFalse();
  }

  // --- rolloutStuck ------------------------------------------------------------------------------------------------

  @Test
  void aStuckRolloutIsPassedThrough() {
    Deployment d = deployment(3, 1, Map.of(), "False", "ProgressDeadlineExceeded");
    Observation o = observe(RolloutReader.read(d, List.of()), List.of(), null);

    assertThat(o.rolloutStuck()).isTrue();
  }

  @Test
  void aProgressingRolloutIsNotStuck() {
    Deployment d = deployment(3, 1, Map.of(), "True", "ReplicaSetUpdated");
    Observation o = observe(RolloutReader.read(d, List.of()), List.of(), null);

    assertThat(o.rolloutStuck()).isFalse();
  }

  // --- crashLooping ------------------------------------------------------------------------------------------------

  @Test
  void countsEveryPodInCrashLoopBackOff() {
    List<PodState> pods = List.of(
        PodState.of(pod("checkout-7-a", waiting("app", "CrashLoopBackOff", 4))),
        PodState.of(pod("checkout-7-b", running("app", 0))),
        PodState.of(pod("checkout-7-c", running("app", 0), waiting("sidecar", "CrashLoopBackOff", 2))));

    KubernetesSignals.Reading r = KubernetesSignals.observe(snapshot(3, 1), pods, 6, Map.of());

    assertThat(r.observation().crashLoopingPods()).isEqualTo(2);
  }

  @Test
  void noCrashLoopWhenPodsRunAndRestartsDidNotGrow() {
    List<PodState> pods = List.of(
        PodState.of(pod("checkout-7-a", running("app", 2))),
        PodState.of(pod("checkout-7-b", running("app", 1))));

    KubernetesSignals.Reading r = KubernetesSignals.observe(snapshot(3, 3), pods, 3, Map.of());

    assertThat(r.observation().crashLoopingPods()).isEqualTo(0);
    assertThat(r.restarts()).isEqualTo(3);
  }

  @Test
  void restartsGrowingSinceTheLastSampleCountAsCrashLoopingWithoutCrashLoopBackOff() {
    List<PodState> pods = List.of(
        PodState.of(pod("checkout-7-a", running("app", 3))),
        PodState.of(pod("checkout-7-b", running("app", 1))));

    KubernetesSignals.Reading r = KubernetesSignals.observe(snapshot(3, 3), pods, 2, Map.of());

    assertThat(pods).noneMatch(PodState::crashLoopBackOff);
    assertThat(r.restarts()).isEqualTo(4);
    assertThat(r.observation().crashLoopingPods()).isGreaterThan(0);
  }

  @Test
  void withoutABaselineRestartsAreNotCountedAsGrowth() {
    // first sample of a revision: the restarts may predate it, there is nothing to compare with
    List<PodState> pods = List.of(PodState.of(pod("checkout-7-a", running("app", 5))));

    KubernetesSignals.Reading r = KubernetesSignals.observe(snapshot(3, 3), pods, null, Map.of());

    assertThat(r.observation().crashLoopingPods()).isEqualTo(0);
    assertThat(r.restarts()).isEqualTo(5);
  }

  @Test
  void theReadingReportsTheRestartsNowAsTheNextBaseline() {
    List<PodState> pods = List.of(
        PodState.of(pod("checkout-7-a", running("app", 2), running("sidecar", 1))),
        PodState.of(pod("checkout-7-b", waiting("app", "CrashLoopBackOff", 7))));

    KubernetesSignals.Reading r = KubernetesSignals.observe(snapshot(3, 2), pods, null, Map.of());

    assertThat(r.restarts()).isEqualTo(10);
    assertThat(r.observation().crashLoopingPods()).isEqualTo(1);
  }

  @Test
  void noPodsNoCrashLoop() {
    KubernetesSignals.Reading r = KubernetesSignals.observe(snapshot(3, 0), List.of(), 0, Map.of());

    assertThat(r.observation().crashLoopingPods()).isEqualTo(0);
    assertThat(r.restarts()).isEqualTo(0);
  }

  // --- annotations -------------------------------------------------------------------------------------------------

  @Test
  void passesTheHumanAnnotationsIntoTheObservation() {
    Map<String, String> ann = new LinkedHashMap<>();
    ann.put(KubernetesSignals.DECLARE, "security-flaw");
    ann.put(KubernetesSignals.DECLARE_NOTE, "tokens logged in clear text");
    ann.put(KubernetesSignals.ACK, "alice: looking into it");
    ann.put(KubernetesSignals.DISMISS, "7");
    Deployment d = deployment(3, 3, ann, "True", "NewReplicaSetAvailable");

    Observation o = observe(RolloutReader.read(d, List.of()), List.of(), null);

    assertThat(o.declaration()).isEqualTo("security-flaw");
    assertThat(o.declarationNote()).isEqualTo("tokens logged in clear text");
    assertThat(o.acknowledgement()).isEqualTo("alice: looking into it");
    assertThat(o.dismissRevision()).isEqualTo("7");
  }

  @Test
  void theAnnotationKeysAreTheOnesTheDesignNames() {
    assertThat(KubernetesSignals.DECLARE).isEqualTo("rollbackguard.io/declare");
    assertThat(KubernetesSignals.DECLARE_NOTE).isEqualTo("rollbackguard.io/declare-note");
    assertThat(KubernetesSignals.ACK).isEqualTo("rollbackguard.io/ack");
    assertThat(KubernetesSignals.DISMISS).isEqualTo("rollbackguard.io/dismiss");
  }

  @Test
  void withoutAnnotationsThereIsNoDeclarationAckOrDismissal() {
    Observation o = observe(snapshot(3, 3), List.of(), null);

    assertThat(o.declaration()).isNull();
    assertThat(o.declarationNote()).isNull();
    assertThat(o.acknowledgement()).isNull();
    assertThat(o.dismissRevision()).isNull();
  }

  @Test
  void metricReadingsArePassedThrough() {
    Map<String, MetricReading> metrics = Map.of("errorRate", MetricReading.of(0.02));

    KubernetesSignals.Reading r = KubernetesSignals.observe(snapshot(3, 3), List.of(), null, metrics);

    assertThat(r.observation().metric("errorRate").value()).isEqualTo(0.02);
  }

  // --- PodState ----------------------------------------------------------------------------------------------------

  @Test
  void podStateSumsRestartsOverAllContainers() {
    PodState p = PodState.of(pod("checkout-7-a", running("app", 3), running("sidecar", 4), running("proxy", 0)));

    assertThat(p.name()).isEqualTo("checkout-7-a");
    assertThat(p.restarts()).isEqualTo(7);
    assertThat(p.crashLoopBackOff()).isFalse();
  }

  @Test
  void podStateSeesCrashLoopBackOffInAnyContainer() {
    PodState p = PodState.of(pod("checkout-7-a", running("app", 0), waiting("sidecar", "CrashLoopBackOff", 5)));

    assertThat(p.crashLoopBackOff()).isTrue();
    assertThat(p.restarts()).isEqualTo(5);
  }

  @Test
  void podStateDoesNotTakeOtherWaitingReasonsForCrashLoopBackOff() {
    PodState p = PodState.of(pod("checkout-7-a", waiting("app", "ContainerCreating", 0)));

    assertThat(p.crashLoopBackOff()).isFalse();
  }

  @Test
  void podStateOfAPodWithoutStatusHasNoRestarts() {
    Pod pod = new PodBuilder().withNewMetadata().withName("checkout-7-new").endMetadata().build();

    PodState p = PodState.of(pod);

    assertThat(p.restarts()).isEqualTo(0);
    assertThat(p.crashLoopBackOff()).isFalse();
  }

  // --- helpers -----------------------------------------------------------------------------------------------------

  private static Observation observe(RolloutSnapshot s, List<PodState> pods, Integer restartsAtLastSample) {
    return KubernetesSignals.observe(s, pods, restartsAtLastSample, Map.of()).observation();
  }

  private static RolloutSnapshot snapshot(int replicas, int available) {
    return RolloutReader.read(deployment(replicas, available, Map.of(), "True", "ReplicaSetUpdated"), List.of());
  }

  private static Deployment deployment(int replicas, int available, Map<String, String> annotations,
      String progressingStatus, String progressingReason) {
    Map<String, String> ann = new LinkedHashMap<>(annotations);
    ann.put(RolloutReader.REVISION, "7");
    return new DeploymentBuilder()
        .withNewMetadata().withNamespace("shop").withName("checkout").withUid("uid-checkout").withGeneration(2L)
        .withAnnotations(ann).endMetadata()
        .withNewSpec().withReplicas(replicas).endSpec()
        .withNewStatus().withReplicas(replicas).withUpdatedReplicas(replicas).withAvailableReplicas(available)
        .withObservedGeneration(2L)
        .addToConditions(new DeploymentConditionBuilder().withType("Progressing").withStatus(progressingStatus)
            .withReason(progressingReason).build())
        .endStatus()
        .build();
  }

  private static Pod pod(String name, ContainerStatus... statuses) {
    return new PodBuilder()
        .withNewMetadata().withNamespace("shop").withName(name).endMetadata()
        .withNewStatus().withPhase("Running").withContainerStatuses(statuses).endStatus()
        .build();
  }

  private static ContainerStatus waiting(String container, String reason, int restarts) {
    return new ContainerStatusBuilder().withName(container).withRestartCount(restarts).withReady(false)
        .withNewState().withNewWaiting().withReason(reason).endWaiting().endState()
        .build();
  }

  private static ContainerStatus running(String container, int restarts) {
    return new ContainerStatusBuilder().withName(container).withRestartCount(restarts).withReady(true)
        .withNewState().withNewRunning().withStartedAt("2024-05-01T11:58:00Z").endRunning().endState()
        .build();
  }

  @Test
  void anInitContainerInCrashLoopBackOffIsCrashLooping() {
    io.fabric8.kubernetes.api.model.Pod pod = new io.fabric8.kubernetes.api.model.PodBuilder()
        .withNewMetadata().withName("p").endMetadata()
        .withNewStatus().addNewInitContainerStatus().withName("migrate").withRestartCount(5).withNewState()
        .withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState().endInitContainerStatus()
        .addNewContainerStatus().withName("app").withRestartCount(0).withNewState().withNewWaiting()
        .withReason("PodInitializing").endWaiting().endState().endContainerStatus().endStatus().build();
    PodState state = PodState.of(pod);
    assertThat(state.crashLoopBackOff()).isTrue();
    assertThat(state.restarts()).isEqualTo(5);
  }
}
