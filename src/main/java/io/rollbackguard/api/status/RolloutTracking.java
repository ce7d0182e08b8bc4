package io.rollbackguard.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * What the operator remembers of one Deployment's rollouts, kept in status.
 *
 * @param podTemplateHash the template of the revision being tracked
 * @param stableRevision the last revision that passed its own window (its number follows re-numbering), or null
 * @param stablePodTemplateHash identifies the stable revision across `kubectl rollout undo`
 * @param stableContainers container to image of the stable revision, for `kubectl set image` once it leaves history
 * @param restarts container restarts of the tracked revision's pods at the last sample, to see them grow
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RolloutTracking(long revision, String podTemplateHash, Long stableRevision,
    String stablePodTemplateHash, Map<String, String> stableContainers, Integer restarts) {

  public RolloutTracking withRestarts(int restarts) {
    return new RolloutTracking(revision, podTemplateHash, stableRevision, stablePodTemplateHash, stableContainers,
        restarts);
  }

  /**
   * What a quiet stable target keeps: its revision is its own stable revision, so the stable fields are implied
   * ({@link #expandQuiet} restores them). This is what lets a policy over a thousand Deployments keep a small status.
   */
  public RolloutTracking quiet() {
    return new RolloutTracking(revision, podTemplateHash, null, null, null, null);
  }

  /** The full tracking of a quiet stable target: the tracked revision is the stable one. */
  public RolloutTracking expandQuiet(Map<String, String> containers) {
    return promoted(containers == null ? Map.of() : containers);
  }

  /** The tracked revision passed its window: it is the rollback target from now on. */
  public RolloutTracking promoted(Map<String, String> containers) {
    return new RolloutTracking(revision, podTemplateHash, revision, podTemplateHash, Map.copyOf(containers), restarts);
  }
}
