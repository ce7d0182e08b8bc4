package io.rollbackguard.cli.demo;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.rollbackguard.rollout.RolloutReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plays the Deployment controller and the kubelet on an API server that has neither (the mock server): creates the
 * ReplicaSets, revision annotations, Pods and Deployment status a real cluster would. The operator under test sees
 * only what it would see on a real cluster.
 */
public final class SimulatedCluster {
  private final KubernetesClient client;

  public SimulatedCluster(KubernetesClient client) {
    this.client = client;
  }

  /** Pod health of a revision. */
  public enum Pods { Ready, CrashLooping }

  /** A Deployment created and fully rolled out at revision 1. */
  public Deployment deploy(String namespace, String name, Map<String, String> labels, int replicas,
      Map<String, String> containers) {
    Map<String, String> podLabels = Map.of("app", name);
    Deployment d = new DeploymentBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name).withLabels(labels)
        .addToAnnotations(RolloutReader.REVISION, "1").endMetadata()
        .withNewSpec().withReplicas(replicas).withNewSelector().withMatchLabels(podLabels).endSelector()
        .withTemplate(template(podLabels, containers)).endSpec()
        .build();
    d = client.apps().deployments().resource(d).create();
    ReplicaSet rs = createReplicaSet(d, 1);
    createPods(rs, Pods.Ready);
    return publish(namespace, name, complete(replicas));
  }

  /** A new template (new images) rolls out as the next revision; its pods come up as {@code pods} says. */
  public Deployment rollout(String namespace, String name, Map<String, String> containers, Pods pods) {
    Deployment d = deployment(namespace, name);
    long revision = nextRevision(d);
    d.getSpec().setTemplate(template(d.getSpec().getTemplate().getMetadata().getLabels(), containers));
    d.getMetadata().getAnnotations().put(RolloutReader.REVISION, Long.toString(revision));
    d = client.apps().deployments().resource(d).update();
    ReplicaSet rs = createReplicaSet(d, revision);
    createPods(rs, pods);
    int replicas = d.getSpec().getReplicas();
    return publish(namespace, name, pods == Pods.Ready ? complete(replicas) : progressing(replicas));
  }

  /** `kubectl rollout undo --to-revision=N`: the old ReplicaSet comes back under a new revision number. */
  public Deployment undo(String namespace, String name, long toRevision) {
    Deployment d = deployment(namespace, name);
    ReplicaSet target = replicaSets(d).stream()
        .filter(rs -> Long.toString(toRevision).equals(rs.getMetadata().getAnnotations().get(RolloutReader.REVISION)))
        .findFirst().orElseThrow(() -> new IllegalArgumentException("revision " + toRevision + " not in history"));
    long revision = nextRevision(d);
    PodTemplateSpec template = new PodTemplateSpecBuilder(target.getSpec().getTemplate()).build();
    template.getMetadata().getLabels().remove(RolloutReader.POD_TEMPLATE_HASH);
    d.getSpec().setTemplate(template);
    d.getMetadata().getAnnotations().put(RolloutReader.REVISION, Long.toString(revision));
    d = client.apps().deployments().resource(d).update();
    String old = target.getMetadata().getAnnotations().put(RolloutReader.REVISION, Long.toString(revision));
    target.getMetadata().getAnnotations().merge(RolloutReader.REVISION_HISTORY, old, (a, b) -> a + "," + b);
    client.apps().replicaSets().resource(target).update();
    for (Pod p : pods(target)) {
      client.pods().resource(p).delete();
    }
    createPods(target, Pods.Ready);
    return publish(namespace, name, complete(d.getSpec().getReplicas()));
  }

  /** Sets ({@code value} non-null) or removes an annotation on the Deployment, as `kubectl annotate` would. */
  public void annotate(String namespace, String name, String key, String value) {
    client.apps().deployments().inNamespace(namespace).withName(name).edit(d -> {
      if (value == null) {
        d.getMetadata().getAnnotations().remove(key);
      } else {
        d.getMetadata().getAnnotations().put(key, value);
      }
      return d;
    });
  }

  /** The controller gives up on the rollout: Progressing=False, ProgressDeadlineExceeded. */
  public Deployment progressDeadlineExceeded(String namespace, String name) {
    Deployment d = deployment(namespace, name);
    int replicas = d.getSpec().getReplicas();
    return publish(namespace, name, new DeploymentStatusBuilder(progressing(replicas))
        .withConditions(condition("Progressing", "False", "ProgressDeadlineExceeded")).build());
  }

  public Deployment deployment(String namespace, String name) {
    Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
    if (d == null) {
      throw new IllegalArgumentException("no deployment " + namespace + "/" + name);
    }
    return d;
  }

  private long nextRevision(Deployment d) {
    long max = 0;
    for (ReplicaSet rs : replicaSets(d)) {
      max = Math.max(max, Long.parseLong(rs.getMetadata().getAnnotations().get(RolloutReader.REVISION)));
    }
    return max + 1;
  }

  private List<ReplicaSet> replicaSets(Deployment d) {
    List<ReplicaSet> out = new ArrayList<>();
    for (ReplicaSet rs : client.apps().replicaSets().inNamespace(d.getMetadata().getNamespace()).list().getItems()) {
      List<OwnerReference> refs = rs.getMetadata().getOwnerReferences();
      if (refs != null && refs.stream().anyMatch(r -> d.getMetadata().getName().equals(r.getName()))) {
        out.add(rs);
      }
    }
    return out;
  }

  private List<Pod> pods(ReplicaSet rs) {
    return client.pods().inNamespace(rs.getMetadata().getNamespace())
        .withLabel(RolloutReader.POD_TEMPLATE_HASH, rs.getMetadata().getLabels().get(RolloutReader.POD_TEMPLATE_HASH))
        .list().getItems();
  }

  private ReplicaSet createReplicaSet(Deployment d, long revision) {
    Map<String, String> containers = new LinkedHashMap<>();
    d.getSpec().getTemplate().getSpec().getContainers().forEach(c -> containers.put(c.getName(), c.getImage()));
    String hash = hash(containers);
    Map<String, String> labels = new HashMap<>(d.getSpec().getTemplate().getMetadata().getLabels());
    labels.put(RolloutReader.POD_TEMPLATE_HASH, hash);
    PodTemplateSpec template = new PodTemplateSpecBuilder(d.getSpec().getTemplate()).editMetadata()
        .withLabels(labels).endMetadata().build();
    ReplicaSet rs = new ReplicaSetBuilder()
        .withNewMetadata().withNamespace(d.getMetadata().getNamespace())
        .withName(d.getMetadata().getName() + "-" + hash).withLabels(labels)
        .addToAnnotations(RolloutReader.REVISION, Long.toString(revision))
        .withOwnerReferences(owner(d.getApiVersion(), d.getKind(), d.getMetadata().getName(),
            d.getMetadata().getUid()))
        .endMetadata()
        .withNewSpec().withReplicas(d.getSpec().getReplicas()).withNewSelector().withMatchLabels(labels)
        .endSelector().withTemplate(template).endSpec()
        .build();
    return client.apps().replicaSets().resource(rs).create();
  }

  private void createPods(ReplicaSet rs, Pods health) {
    int replicas = rs.getSpec().getReplicas();
    for (int i = 0; i < replicas; i++) {
      List<ContainerStatus> statuses = new ArrayList<>();
      for (Container c : rs.getSpec().getTemplate().getSpec().getContainers()) {
        statuses.add(health == Pods.Ready
            ? new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage()).withReady(true)
                .withRestartCount(0).withNewState().withNewRunning().endRunning().endState().build()
            : new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage()).withReady(false)
                .withRestartCount(3).withNewState().withNewWaiting().withReason("CrashLoopBackOff")
                .withMessage("back-off 40s restarting failed container").endWaiting().endState().build());
      }
      Pod pod = new PodBuilder()
          .withNewMetadata().withNamespace(rs.getMetadata().getNamespace())
          .withName(rs.getMetadata().getName() + "-" + i).withLabels(rs.getMetadata().getLabels())
          .withOwnerReferences(owner(rs.getApiVersion(), rs.getKind(), rs.getMetadata().getName(),
              rs.getMetadata().getUid()))
          .endMetadata()
          .withSpec(rs.getSpec().getTemplate().getSpec())
          .withNewStatus().withPhase("Running").withContainerStatuses(statuses).endStatus()
          .build();
      client.pods().resource(pod).create();
    }
  }

  /** Writes the Deployment's status as the controller would, observing the current generation. */
  private Deployment publish(String namespace, String name, DeploymentStatus status) {
    Deployment d = deployment(namespace, name);
    status.setObservedGeneration(d.getMetadata().getGeneration() == null ? 1L : d.getMetadata().getGeneration());
    d.setStatus(status);
    return client.apps().deployments().resource(d).updateStatus();
  }

  private static DeploymentStatus complete(int replicas) {
    return new DeploymentStatusBuilder().withReplicas(replicas).withUpdatedReplicas(replicas)
        .withReadyReplicas(replicas).withAvailableReplicas(replicas)
        .withConditions(condition("Available", "True", "MinimumReplicasAvailable"),
            condition("Progressing", "True", "NewReplicaSetAvailable"))
        .build();
  }

  /** The new pods are not ready; the old ones still serve (maxUnavailable keeps them). */
  private static DeploymentStatus progressing(int replicas) {
    return new DeploymentStatusBuilder().withReplicas(replicas * 2).withUpdatedReplicas(replicas)
        .withReadyReplicas(replicas).withAvailableReplicas(replicas).withUnavailableReplicas(replicas)
        .withConditions(condition("Available", "True", "MinimumReplicasAvailable"),
            condition("Progressing", "True", "ReplicaSetUpdated"))
        .build();
  }

  private static DeploymentCondition condition(String type, String status, String reason) {
    return new DeploymentConditionBuilder().withType(type).withStatus(status).withReason(reason).build();
  }

  private static PodTemplateSpec template(Map<String, String> labels, Map<String, String> containers) {
    List<Container> list = new ArrayList<>();
    containers.forEach((n, image) -> list.add(new ContainerBuilder().withName(n).withImage(image).build()));
    return new PodTemplateSpecBuilder().withNewMetadata().withLabels(new HashMap<>(labels)).endMetadata()
        .withNewSpec().withContainers(list).endSpec().build();
  }

  private static OwnerReference owner(String apiVersion, String kind, String name, String uid) {
    return new OwnerReferenceBuilder().withApiVersion(apiVersion).withKind(kind).withName(name).withUid(uid)
        .withController(true).build();
  }

  /** Same template, same hash: what lets a rollback be recognised. */
  static String hash(Map<String, String> containers) {
    return Integer.toHexString(containers.toString().hashCode() & 0x7fffffff);
  }
}
