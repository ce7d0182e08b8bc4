package io.rollbackguard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.rollbackguard.rollout.RolloutReader;
import io.rollbackguard.signals.PodState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the caches keep must read exactly as the object the API server sent, for everything the operator reads. */
class CompactWorkloadsTest {

  private static Deployment deployment() {
    return new DeploymentBuilder()
        .withNewMetadata().withNamespace("shop").withName("checkout").withUid("d-uid").withResourceVersion("41")
        .withGeneration(7L)
        .withLabels(Map.of("app", "checkout", "tier", "web"))
        .withAnnotations(new java.util.HashMap<>(Map.of(RolloutReader.REVISION, "6",
            "rollbackguard.io/declare", "critical-feature-broken", "rollbackguard.io/declare-note", "cart empty",
            "meta.helm.sh/release-name", "checkout", "argocd.argoproj.io/tracking-id", "shop:apps/Deployment:shop/x",
            "kubectl.kubernetes.io/last-applied-configuration", "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\"}",
            "example.com/owner", "team-a")))
        .endMetadata()
        .withNewSpec().withReplicas(3).withNewTemplate().withNewSpec()
        .addNewContainer().withName("app").withImage("shop/checkout:2.0").withArgs("--port=8080").endContainer()
        .addNewContainer().withName("proxy").withImage("envoy:1.30").endContainer()
        .endSpec().endTemplate().endSpec()
        .withNewStatus().withReplicas(4).withAvailableReplicas(2).withUpdatedReplicas(1).withObservedGeneration(7L)
        .addNewCondition().withType("Available").withStatus("True").withReason("MinimumReplicasAvailable")
        .withMessage("Deployment has minimum availability.").endCondition()
        .addNewCondition().withType("Progressing").withStatus("False").withReason("ProgressDeadlineExceeded")
        .withMessage("ReplicaSet checkout-abc has timed out progressing.").endCondition()
        .endStatus()
        .build();
  }

  private static ReplicaSet replicaSet(String hash, String revision, boolean reused) {
    return new ReplicaSetBuilder()
        .withNewMetadata().withNamespace("shop").withName("checkout-" + hash).withUid("rs-" + hash)
        .withResourceVersion("12").withCreationTimestamp("2026-12-01T10:00:00Z")
        .withLabels(Map.of(RolloutReader.POD_TEMPLATE_HASH, hash, "app", "checkout"))
        .withAnnotations(reused ? Map.of(RolloutReader.REVISION, revision, RolloutReader.REVISION_HISTORY, "2,4")
            : Map.of(RolloutReader.REVISION, revision, "deployment.kubernetes.io/desired-replicas", "3"))
        .addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment").withName("checkout")
        .withUid("d-uid").withController(true).endOwnerReference()
        .endMetadata()
        .withNewSpec().withReplicas(3).withNewTemplate().withNewSpec()
        .addNewContainer().withName("app").withImage("shop/checkout:" + revision).endContainer()
        .endSpec().endTemplate().endSpec()
        .build();
  }

  private static Pod pod(String name, int appRestarts, int initRestarts, String initWaiting) {
    return new PodBuilder()
        .withNewMetadata().withNamespace("shop").withName(name).withResourceVersion("99")
        .withLabels(Map.of(RolloutReader.POD_TEMPLATE_HASH, "abc", "app", "checkout"))
        .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("checkout-abc")
        .withUid("rs-abc").endOwnerReference()
        .endMetadata()
        .withNewStatus().withPhase("Running")
        .withInitContainerStatuses(new ContainerStatusBuilder().withName("init").withRestartCount(initRestarts)
            .withNewState().withNewWaiting().withReason(initWaiting).endWaiting().endState().build())
        .withContainerStatuses(new ContainerStatusBuilder().withName("app").withRestartCount(appRestarts)
            .withNewState().withNewRunning().endRunning().endState().build(),
            new ContainerStatusBuilder().withName("proxy").withRestartCount(1).build())
        .endStatus()
        .build();
  }

  /** What selecting a Deployment reads, from the head alone: name, namespace, uid and labels, nothing else. */
  @Test
  void aDeploymentsHeadHasItsIdentityAndLabels() {
    Deployment d = deployment();
    Deployment head = CompactWorkloads.DeploymentRecord.of(d).head();
    assertThat(head.getMetadata().getName()).isEqualTo("checkout");
    assertThat(head.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(head.getMetadata().getUid()).isEqualTo("d-uid");
    assertThat(head.getMetadata().getLabels()).isEqualTo(d.getMetadata().getLabels());
    assertThat(head.getSpec()).isNull();
    assertThat(RolloutReader.ownedBy(replicaSet("abc", "6", false), head)).isTrue();
  }

  @Test
  void aRolloutReadsTheSameFromTheCacheAsFromTheApiServer() {
    Deployment d = deployment();
    List<ReplicaSet> owned = List.of(replicaSet("abc", "6", false), replicaSet("old", "5", false),
        replicaSet("reu", "4", true));
    Deployment cachedDeployment = CompactWorkloads.DeploymentRecord.of(d).restore();
    List<ReplicaSet> cachedOwned = owned.stream().map(rs -> CompactWorkloads.ReplicaSetRecord.of(rs).restore())
        .toList();

    // the same, but for the annotations nothing reads
    d.getMetadata().getAnnotations().remove("kubectl.kubernetes.io/last-applied-configuration");
    d.getMetadata().getAnnotations().remove("example.com/owner");
    assertThat(RolloutReader.read(cachedDeployment, cachedOwned)).isEqualTo(RolloutReader.read(d, owned));
    // and with the revision on a re-used ReplicaSet (creation time then unknown)
    d.getMetadata().getAnnotations().put(RolloutReader.REVISION, "4");
    assertThat(RolloutReader.read(CompactWorkloads.DeploymentRecord.of(d).restore(), cachedOwned))
        .isEqualTo(RolloutReader.read(d, owned));
    assertThat(cachedOwned).allSatisfy(rs -> assertThat(RolloutReader.ownedBy(rs, cachedDeployment)).isTrue());
  }

  @Test
  void keepsLabelsWholeAndOnlyTheAnnotationsSomethingReads() {
    Deployment cached = CompactWorkloads.DeploymentRecord.of(deployment()).restore();

    assertThat(cached.getMetadata().getLabels()).isEqualTo(Map.of("app", "checkout", "tier", "web"));
    assertThat(cached.getMetadata().getAnnotations()).containsOnlyKeys(RolloutReader.REVISION,
        "rollbackguard.io/declare", "rollbackguard.io/declare-note", "meta.helm.sh/release-name",
        "argocd.argoproj.io/tracking-id");
    // what Events and verdict owner references are written from
    assertThat(cached.getKind()).isEqualTo("Deployment");
    assertThat(cached.getApiVersion()).isEqualTo("apps/v1");
    assertThat(cached.getMetadata().getUid()).isEqualTo("d-uid");
    assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("41");
  }

  @Test
  void aPodKeepsWhatTheCrashLoopCheckReads() {
    for (Pod pod : List.of(pod("a", 0, 0, "PodInitializing"), pod("b", 4, 0, "PodInitializing"),
        pod("c", 0, 6, "CrashLoopBackOff"), new PodBuilder().withNewMetadata().withNamespace("shop")
            .withName("bare").endMetadata().build())) {
      Pod cached = CompactWorkloads.PodRecord.of(pod).restore();
      assertThat(PodState.of(cached)).as(pod.getMetadata().getName()).isEqualTo(PodState.of(pod));
    }
    Pod cached = CompactWorkloads.PodRecord.of(pod("c", 2, 6, "CrashLoopBackOff")).restore();
    assertThat(PodState.of(cached)).isEqualTo(new PodState("c", true, 9));
    assertThat(cached.getMetadata().getLabels()).isEqualTo(Map.of(RolloutReader.POD_TEMPLATE_HASH, "abc"));
    assertThat(cached.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(r -> assertThat(List.of(r.getKind(), r.getName(), r.getUid()))
            .containsExactly("ReplicaSet", "checkout-abc", "rs-abc"));
  }

  @Test
  void theStoreHandsBackTheRestoredObjectItReplacedOrRemoved() {
    CompactStore<Pod, CompactWorkloads.PodRecord> store = new CompactStore<>(CompactWorkloads.PodRecord::of,
        CompactWorkloads.PodRecord::restore);
    Pod first = pod("a", 1, 0, "PodInitializing");
    String key = store.getKey(first);
    assertThat(key).isEqualTo("shop/a");
    assertThat(store.put(key, first)).isNull();
    Pod second = pod("a", 3, 0, "PodInitializing");
    second.getMetadata().setResourceVersion("100");
    // the informer compares versions of the old and new object to decide on an update event
    assertThat(store.put(key, second).getMetadata().getResourceVersion()).isEqualTo("99");
    assertThat(PodState.of(store.get(key)).restarts()).isEqualTo(4);
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.values()).hasSize(1);
    assertThat(store.remove(key).getMetadata().getResourceVersion()).isEqualTo("100");
    assertThat(store.get(key)).isNull();
    assertThat(store.isFullState()).isFalse();
  }
}
