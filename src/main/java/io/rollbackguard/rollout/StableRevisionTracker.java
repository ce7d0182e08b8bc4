package io.rollbackguard.rollout;

import io.rollbackguard.api.status.RolloutTracking;
import java.util.Map;

/**
 * Tells a new rollout from a rollback and from nothing new, and keeps the stable revision: the last one that passed
 * its own window, identified by pod-template hash because `kubectl rollout undo` re-numbers revisions.
 */
public final class StableRevisionTracker {

  public enum Kind {
    /** Nothing to evaluate yet: the controller has not set a revision or created its ReplicaSet. */
    Waiting,
    /** Same revision as before. */
    Unchanged,
    /**
     * First seen with its rollout complete and its revision in place longer than a window: its revision is the stable
     * baseline, no window.
     */
    Adopted,
    /** A new template rolled out: a window opens. */
    RolloutStarted,
    /** The stable template came back under a new revision number: a fresh window verifies it. */
    RolledBack
  }

  /** @param startedAt when the window opened (epoch millis), for RolloutStarted and RolledBack */
  public record Change(Kind kind, RolloutTracking tracking, long startedAt) {}

  private StableRevisionTracker() {}

  /**
   * @param previous what was tracked before, null for a Deployment first seen (a verdict taken over keeps its
   *     tracking, so a policy re-created or re-selecting never comes here)
   * @param adoptAfterMillis how long a revision first seen must have been in place to be adopted as the stable
   *     baseline: the policy's window (plus its watch, when it has one). A younger one, complete or not, may be the
   *     bad rollout someone is looking at: it is observed, never adopted
   */
  public static Change track(RolloutTracking previous, RolloutSnapshot s, long now, long adoptAfterMillis) {
    if (s.revision() == null || s.podTemplateHash() == null) {
      return new Change(Kind.Waiting, previous, now);
    }
    if (previous == null) {
      if (s.complete() && inPlaceFor(s, now) > adoptAfterMillis) {
        RolloutTracking t = new RolloutTracking(s.revision(), s.podTemplateHash(), null, null, null, null)
            .promoted(s.containers());
        return new Change(Kind.Adopted, t, now);
      }
      RolloutTracking t = new RolloutTracking(s.revision(), s.podTemplateHash(), null, null, null, null);
      return new Change(Kind.RolloutStarted, t, startedAt(s, now));
    }
    Long stableRevision = stableRevisionNow(previous, s);
    if (previous.podTemplateHash().equals(s.podTemplateHash())) {
      RolloutTracking t = new RolloutTracking(s.revision(), s.podTemplateHash(), stableRevision,
          previous.stablePodTemplateHash(), previous.stableContainers(), previous.restarts());
      return new Change(Kind.Unchanged, t, now);
    }
    RolloutTracking t = new RolloutTracking(s.revision(), s.podTemplateHash(), stableRevision,
        previous.stablePodTemplateHash(), stableContainers(previous, s), null);
    if (s.podTemplateHash().equals(previous.stablePodTemplateHash())) {
      // The ReplicaSet is the old stable one, so its creation time says nothing about this rollout.
      return new Change(Kind.RolledBack, t, now);
    }
    return new Change(Kind.RolloutStarted, t, startedAt(s, now));
  }

  /**
   * A rollout that ends the watch of the tracked revision (which passed its window, and nothing fired since): to a
   * new template, the watched revision becomes the stable one; back to the stable revision's template (a rollback),
   * it does not. The tracking {@link #track} should then start from.
   */
  public static RolloutTracking endWatch(RolloutTracking watched, RolloutSnapshot s) {
    if (s.podTemplateHash() == null || s.podTemplateHash().equals(watched.podTemplateHash())
        || s.podTemplateHash().equals(watched.stablePodTemplateHash())) {
      return watched;
    }
    RolloutSnapshot.HistoryEntry e = s.history().get(watched.podTemplateHash());
    return watched.promoted(e == null ? Map.of() : e.containers());
  }

  /** The stable revision's number as the history says now; the remembered one once it has left history. */
  private static Long stableRevisionNow(RolloutTracking previous, RolloutSnapshot s) {
    RolloutSnapshot.HistoryEntry e = previous.stablePodTemplateHash() == null ? null
        : s.history().get(previous.stablePodTemplateHash());
    return e != null ? Long.valueOf(e.revision()) : previous.stableRevision();
  }

  public static boolean stableInHistory(RolloutTracking t, RolloutSnapshot s) {
    return t != null && t.stablePodTemplateHash() != null && s.history().containsKey(t.stablePodTemplateHash());
  }

  /**
   * How long the current revision has been in place: since its ReplicaSet's creation, or for a re-used ReplicaSet
   * (whose creation is an older rollout's) since now, when the operator sees the revision.
   */
  private static long inPlaceFor(RolloutSnapshot s, long now) {
    return now - startedAt(s, now);
  }

  /** The new ReplicaSet's creation, when the operator saw it late; never in the future. */
  private static long startedAt(RolloutSnapshot s, long now) {
    Long created = s.revisionCreatedAt();
    return created == null ? now : Math.min(created, now);
  }

  /** Container to image of the stable revision: read from its ReplicaSet while in history, else remembered. */
  public static Map<String, String> stableContainers(RolloutTracking t, RolloutSnapshot s) {
    if (t == null || t.stablePodTemplateHash() == null) {
      return Map.of();
    }
    RolloutSnapshot.HistoryEntry e = s.history().get(t.stablePodTemplateHash());
    if (e != null && !e.containers().isEmpty()) {
      return e.containers();
    }
    return t.stableContainers() == null ? Map.of() : t.stableContainers();
  }
}
