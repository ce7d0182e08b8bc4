package io.rollbackguard.operator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec;
import io.rollbackguard.rollout.RolloutReader;
import io.rollbackguard.signals.PodState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What the operator keeps of each Deployment, ReplicaSet and Pod in its caches: compact records of exactly the fields
 * it reads, and the way back to a (partial) Fabric8 object for the code that reads them. A Fabric8 object, or the
 * generic maps Fabric8's {@code ReducedStateItemStore} keeps, costs tens of hash maps per Pod; at 10,000 Deployments
 * the caches are most of the heap. Strings that repeat across objects (namespaces, label keys and values, images) are
 * interned. A restored object is a fresh copy with unmodifiable maps and lists: nothing may change it in place.
 */
final class CompactWorkloads {
  /**
   * The Deployment annotations anything reads: the revision, our own (declarations, skip, dismiss), and those the
   * procedure uses to name the GitOps tool or Helm release that owns the Deployment. Everything else (a kubectl
   * last-applied-configuration is a whole copy of the object) is left out of the cache.
   */
  static final List<String> KEPT_ANNOTATION_PREFIXES = List.of("deployment.kubernetes.io/", "rollbackguard.io/",
      "meta.helm.sh/", "argocd.argoproj.io/", "kustomize.toolkit.fluxcd.io/", "helm.toolkit.fluxcd.io/",
      "kubernetes.io/change-cause");
  private static final Predicate<String> KEPT_ANNOTATION =
      key -> KEPT_ANNOTATION_PREFIXES.stream().anyMatch(key::startsWith);
  private static final String[] NONE = new String[0];

  private CompactWorkloads() {}

  /** Name, namespace and resource version: what every cache entry needs (the informer compares versions). */
  record Meta(String namespace, String name, String uid, String resourceVersion) {
    static Meta of(ObjectMeta m) {
      return new Meta(intern(m.getNamespace()), m.getName(), m.getUid(), m.getResourceVersion());
    }

    ObjectMeta restore() {
      ObjectMeta m = new ObjectMeta();
      m.setNamespace(namespace);
      m.setName(name);
      m.setUid(uid);
      m.setResourceVersion(resourceVersion);
      return m;
    }
  }

  /** A Deployment: labels (selectors match on any), the annotations read, the spec and status fields read. */
  record DeploymentRecord(Meta meta, Long generation, String[] labels, String[] annotations, Integer replicas,
      String[] containers, Integer availableReplicas, Integer updatedReplicas, Long observedGeneration,
      String[] conditions) {

    static DeploymentRecord of(Deployment d) {
      ObjectMeta m = d.getMetadata();
      DeploymentSpec spec = d.getSpec();
      DeploymentStatus status = d.getStatus();
      String[] conditions = NONE;
      if (status != null && status.getConditions() != null) {
        List<String> c = new ArrayList<>();
        for (DeploymentCondition condition : status.getConditions()) {
          c.add(intern(condition.getType()));
          c.add(intern(condition.getStatus()));
          c.add(intern(condition.getReason()));
        }
        conditions = c.toArray(NONE);
      }
      return new DeploymentRecord(Meta.of(m), m.getGeneration(), pairs(m.getLabels(), key -> true),
          pairs(m.getAnnotations(), KEPT_ANNOTATION), spec == null ? null : spec.getReplicas(),
          containerPairs(spec == null ? null : spec.getTemplate()),
          status == null ? null : status.getAvailableReplicas(), status == null ? null : status.getUpdatedReplicas(),
          status == null ? null : status.getObservedGeneration(), conditions);
    }

    /** The Deployment's name, uid and labels alone: what choosing its guardian and creating its verdict read. */
    Deployment head() {
      Deployment d = new Deployment();
      ObjectMeta m = meta.restore();
      m.setLabels(map(labels));
      d.setMetadata(m);
      return d;
    }

    Deployment restore() {
      Deployment d = new Deployment();
      ObjectMeta m = meta.restore();
      m.setGeneration(generation);
      m.setLabels(map(labels));
      m.setAnnotations(map(annotations));
      d.setMetadata(m);
      DeploymentSpec spec = new DeploymentSpec();
      spec.setReplicas(replicas);
      spec.setTemplate(template(containers));
      d.setSpec(spec);
      DeploymentStatus status = new DeploymentStatus();
      status.setAvailableReplicas(availableReplicas);
      status.setUpdatedReplicas(updatedReplicas);
      status.setObservedGeneration(observedGeneration);
      List<DeploymentCondition> c = new ArrayList<>(conditions.length / 3);
      for (int i = 0; i < conditions.length; i += 3) {
        DeploymentCondition condition = new DeploymentCondition();
        condition.setType(conditions[i]);
        condition.setStatus(conditions[i + 1]);
        condition.setReason(conditions[i + 2]);
        c.add(condition);
      }
      status.setConditions(List.copyOf(c));
      d.setStatus(status);
      return d;
    }
  }

  /** A ReplicaSet: its pod-template hash, revision annotations, owning Deployments, creation time and images. */
  record ReplicaSetRecord(Meta meta, String templateHash, String[] annotations, String[] owners,
      String creationTimestamp, String[] containers) {

    static ReplicaSetRecord of(ReplicaSet rs) {
      ObjectMeta m = rs.getMetadata();
      String hash = m.getLabels() == null ? null : m.getLabels().get(RolloutReader.POD_TEMPLATE_HASH);
      return new ReplicaSetRecord(Meta.of(m), intern(hash),
          pairs(m.getAnnotations(), key -> key.equals(RolloutReader.REVISION)
              || key.equals(RolloutReader.REVISION_HISTORY)),
          ownerPairs(m.getOwnerReferences(), "Deployment"), m.getCreationTimestamp(),
          containerPairs(rs.getSpec() == null ? null : rs.getSpec().getTemplate()));
    }

    ReplicaSet restore() {
      ReplicaSet rs = new ReplicaSet();
      ObjectMeta m = meta.restore();
      m.setLabels(templateHash == null ? Map.of() : Map.of(RolloutReader.POD_TEMPLATE_HASH, templateHash));
      m.setAnnotations(map(annotations));
      m.setOwnerReferences(ownerReferences(owners, "apps/v1", "Deployment"));
      m.setCreationTimestamp(creationTimestamp);
      rs.setMetadata(m);
      ReplicaSetSpec spec = new ReplicaSetSpec();
      spec.setTemplate(template(containers));
      rs.setSpec(spec);
      return rs;
    }
  }

  /**
   * A Pod: its template hash, owning ReplicaSet, and what the crash-loop check reads of it (restarts over all its
   * containers, init containers included, and whether one is in CrashLoopBackOff), restored as one container status.
   */
  record PodRecord(Meta meta, String templateHash, String replicaSet, String replicaSetUid, int restarts,
      boolean crashLooping) {

    static PodRecord of(Pod pod) {
      ObjectMeta m = pod.getMetadata();
      String hash = m.getLabels() == null ? null : m.getLabels().get(RolloutReader.POD_TEMPLATE_HASH);
      String[] owner = ownerPairs(m.getOwnerReferences(), "ReplicaSet");
      PodState state = PodState.of(pod);
      return new PodRecord(Meta.of(m), intern(hash), owner.length == 0 ? null : owner[0],
          owner.length == 0 ? null : owner[1], state.restarts(), state.crashLoopBackOff());
    }

    Pod restore() {
      Pod pod = new Pod();
      ObjectMeta m = meta.restore();
      m.setLabels(templateHash == null ? Map.of() : Map.of(RolloutReader.POD_TEMPLATE_HASH, templateHash));
      m.setOwnerReferences(replicaSet == null ? List.of()
          : ownerReferences(new String[] {replicaSet, replicaSetUid}, "apps/v1", "ReplicaSet"));
      pod.setMetadata(m);
      ContainerStatus all = new ContainerStatus();
      all.setName("all-containers");
      all.setRestartCount(restarts);
      if (crashLooping) {
        ContainerStateWaiting waiting = new ContainerStateWaiting();
        waiting.setReason("CrashLoopBackOff");
        ContainerState state = new ContainerState();
        state.setWaiting(waiting);
        all.setState(state);
      }
      PodStatus status = new PodStatus();
      status.setContainerStatuses(List.of(all));
      pod.setStatus(status);
      return pod;
    }
  }

  static String intern(String s) {
    return s == null ? null : s.intern();
  }

  /** A map as alternating keys and values, the keys (and values, which repeat: app names, tiers) interned. */
  private static String[] pairs(Map<String, String> map, Predicate<String> keep) {
    if (map == null || map.isEmpty()) {
      return NONE;
    }
    List<String> out = new ArrayList<>(map.size() * 2);
    map.forEach((k, v) -> {
      if (k != null && v != null && keep.test(k)) {
        out.add(intern(k));
        out.add(v.length() <= 253 ? intern(v) : v);
      }
    });
    return out.toArray(NONE);
  }

  private static Map<String, String> map(String[] pairs) {
    if (pairs.length == 0) {
      return Map.of();
    }
    Map<String, String> out = new HashMap<>(pairs.length);
    for (int i = 0; i < pairs.length; i += 2) {
      out.put(pairs[i], pairs[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  /** The owner references of one kind, as alternating names and uids. */
  private static String[] ownerPairs(List<OwnerReference> refs, String kind) {
    if (refs == null || refs.isEmpty()) {
      return NONE;
    }
    List<String> out = new ArrayList<>(2);
    for (OwnerReference r : refs) {
      if (kind.equals(r.getKind())) {
        out.add(r.getName());
        out.add(r.getUid());
      }
    }
    return out.toArray(NONE);
  }

  private static List<OwnerReference> ownerReferences(String[] owners, String apiVersion, String kind) {
    List<OwnerReference> out = new ArrayList<>(owners.length / 2);
    for (int i = 0; i < owners.length; i += 2) {
      OwnerReference r = new OwnerReference();
      r.setApiVersion(apiVersion);
      r.setKind(kind);
      r.setName(owners[i]);
      r.setUid(owners[i + 1]);
      out.add(r);
    }
    return List.copyOf(out);
  }

  /** A pod template's containers as alternating names and images. */
  private static String[] containerPairs(PodTemplateSpec template) {
    if (template == null || template.getSpec() == null || template.getSpec().getContainers() == null) {
      return NONE;
    }
    List<String> out = new ArrayList<>();
    for (Container c : template.getSpec().getContainers()) {
      out.add(intern(c.getName()));
      out.add(intern(c.getImage()));
    }
    return out.toArray(NONE);
  }

  private static PodTemplateSpec template(String[] containers) {
    List<Container> list = new ArrayList<>(containers.length / 2);
    for (int i = 0; i < containers.length; i += 2) {
      Container c = new Container();
      c.setName(containers[i]);
      c.setImage(containers[i + 1]);
      list.add(c);
    }
    PodSpec spec = new PodSpec();
    spec.setContainers(List.copyOf(list));
    PodTemplateSpec template = new PodTemplateSpec();
    template.setSpec(spec);
    return template;
  }
}
