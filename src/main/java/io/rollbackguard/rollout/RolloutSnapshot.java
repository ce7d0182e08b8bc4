package io.rollbackguard.rollout;

import java.util.Map;

/**
 * What a Deployment and its ReplicaSets say about its rollout, as plain data.
 *
 * @param revision {@code deployment.kubernetes.io/revision}, null before the controller set it
 * @param podTemplateHash of the ReplicaSet of the current revision, null when it is not (yet) there
 * @param containers container name to image of the current template, in pod-spec order
 * @param complete the rollout finished: every replica updated and available, Progressing=NewReplicaSetAvailable
 * @param stuck Progressing=False with ProgressDeadlineExceeded
 * @param history pod-template hash to the revision its ReplicaSet carries now, for every ReplicaSet still owned
 * @param revisionCreatedAt when the current revision's ReplicaSet was created (epoch millis), null when unknown
 */
public record RolloutSnapshot(
    String namespace,
    String name,
    Map<String, String> labels,
    Map<String, String> annotations,
    Long revision,
    String podTemplateHash,
    Map<String, String> containers,
    int replicas,
    int availableReplicas,
    boolean complete,
    boolean stuck,
    Map<String, HistoryEntry> history,
    Long revisionCreatedAt) {

  public RolloutSnapshot {
    labels = labels == null ? Map.of() : labels;
    annotations = annotations == null ? Map.of() : annotations;
    containers = containers == null ? Map.of() : containers;
    history = history == null ? Map.of() : history;
  }

  /** One ReplicaSet of the history: its revision and images. */
  public record HistoryEntry(long revision, Map<String, String> containers) {}

  /** The same snapshot with one more annotation (tests and the demo script declarations this way). */
  public RolloutSnapshot withAnnotation(String key, String value) {
    Map<String, String> a = new java.util.HashMap<>(annotations);
    a.put(key, value);
    return new RolloutSnapshot(namespace, name, labels, a, revision, podTemplateHash, containers, replicas,
        availableReplicas, complete, stuck, history, revisionCreatedAt);
  }

  public String annotation(String key) {
    return annotations.get(key);
  }
}
