package io.rollbackguard.rollout;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a Deployment and the ReplicaSets it owns the way `kubectl rollout history` does. */
public final class RolloutReader {
  public static final String REVISION = "deployment.kubernetes.io/revision";
  public static final String POD_TEMPLATE_HASH = "pod-template-hash";
  /** Set by the controller on a ReplicaSet it re-used for a rollback: its creation time is not the rollout's. */
  public static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";

  private RolloutReader() {}

  public static RolloutSnapshot read(Deployment d, List<ReplicaSet> replicaSets) {
    Long revision = revision(d);
    Map<String, RolloutSnapshot.HistoryEntry> history = new LinkedHashMap<>();
    String currentHash = null;
    Long createdAt = null;
    for (ReplicaSet rs : replicaSets) {
      if (!ownedBy(rs, d)) {
        continue;
      }
      Long rsRevision = revision(rs);
      String hash = rs.getMetadata().getLabels() == null ? null : rs.getMetadata().getLabels().get(POD_TEMPLATE_HASH);
      if (rsRevision == null || hash == null) {
        continue;
      }
      history.put(hash, new RolloutSnapshot.HistoryEntry(rsRevision,
          containers(rs.getSpec() == null || rs.getSpec().getTemplate() == null ? null
              : rs.getSpec().getTemplate().getSpec().getContainers())));
      if (rsRevision.equals(revision)) {
        currentHash = hash;
        boolean reused = rs.getMetadata().getAnnotations().containsKey(REVISION_HISTORY);
        createdAt = reused ? null : timestamp(rs.getMetadata().getCreationTimestamp());
      }
    }
    int replicas = d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    var status = d.getStatus();
    int available = status == null || status.getAvailableReplicas() == null ? 0 : status.getAvailableReplicas();
    int updated = status == null || status.getUpdatedReplicas() == null ? 0 : status.getUpdatedReplicas();
    long observed = status == null || status.getObservedGeneration() == null ? 0 : status.getObservedGeneration();
    long generation = d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration();
    DeploymentCondition progressing = condition(d, "Progressing");
    boolean stuck = progressing != null && "False".equals(progressing.getStatus())
        && "ProgressDeadlineExceeded".equals(progressing.getReason());
    boolean complete = !stuck && observed >= generation && updated >= replicas && available >= replicas
        && (progressing == null || "NewReplicaSetAvailable".equals(progressing.getReason()));
    return new RolloutSnapshot(d.getMetadata().getNamespace(), d.getMetadata().getName(),
        d.getMetadata().getLabels(), d.getMetadata().getAnnotations(), revision, currentHash,
        containers(d.getSpec() == null || d.getSpec().getTemplate() == null || d.getSpec().getTemplate().getSpec() == null
            ? null : d.getSpec().getTemplate().getSpec().getContainers()),
        replicas, available, complete, stuck, history, createdAt);
  }

  /** Whether {@code owner} owns {@code child}: by uid when the owner has one, else by kind and name. */
  public static boolean ownedBy(HasMetadata child, HasMetadata owner) {
    List<OwnerReference> refs = child.getMetadata().getOwnerReferences();
    if (refs == null) {
      return false;
    }
    for (OwnerReference r : refs) {
      if (owner.getMetadata().getUid() != null ? owner.getMetadata().getUid().equals(r.getUid())
          : owner.getKind().equals(r.getKind()) && owner.getMetadata().getName().equals(r.getName())) {
        return true;
      }
    }
    return false;
  }

  private static Long revision(HasMetadata m) {
    Map<String, String> a = m.getMetadata().getAnnotations();
    String v = a == null ? null : a.get(REVISION);
    try {
      return v == null ? null : Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Map<String, String> containers(List<Container> containers) {
    Map<String, String> out = new LinkedHashMap<>();
    if (containers != null) {
      for (Container c : containers) {
        out.put(c.getName(), c.getImage());
      }
    }
    return out;
  }

  private static DeploymentCondition condition(Deployment d, String type) {
    if (d.getStatus() == null || d.getStatus().getConditions() == null) {
      return null;
    }
    return d.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  private static Long timestamp(String text) {
    try {
      return text == null ? null : Instant.parse(text).toEpochMilli();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
