package io.rollbackguard.procedure;

import java.util.Map;

/**
 * What the procedure needs to know about the Deployment: where it is, which revision is bad, which one to go back to.
 *
 * @param stableRevision the last revision that passed its own window, or null when none is known
 * @param stableInHistory whether the stable revision's ReplicaSet is still in the Deployment's history
 * @param images container name to image of the bad revision, in pod-spec order
 * @param stableImages container name to image of the stable revision, in pod-spec order (empty when unknown)
 * @param labels the Deployment's labels, for GitOps ownership
 * @param annotations the Deployment's annotations, for Helm ownership
 */
public record RolloutContext(
    String namespace,
    String name,
    Long revision,
    Long stableRevision,
    boolean stableInHistory,
    Map<String, String> images,
    Map<String, String> stableImages,
    int replicas,
    Map<String, String> labels,
    Map<String, String> annotations) {

  public RolloutContext {
    images = images == null ? Map.of() : images;
    stableImages = stableImages == null ? Map.of() : stableImages;
    labels = labels == null ? Map.of() : labels;
    annotations = annotations == null ? Map.of() : annotations;
  }
}
