package io.rollbackguard.procedure;

import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.EvaluationState.BoundDeclaration;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.Procedure;
import io.rollbackguard.api.status.Tier;
import io.rollbackguard.verdict.Finding;
import java.time.Instant;
import java.util.List;

/**
 * One guarded Deployment as its policy's status tells it: what the runbook and the post-mortem draft are written from.
 * Plain data, so that the writers need no Kubernetes types; the cli builds it from a saved or live RollbackPolicy.
 *
 * @param revision the Deployment's current revision (after a rollback: the restored one, under its new number)
 * @param images the current revision's images, in pod-spec order
 * @param decideBy null when the current recommendation has no deadline (or there is none)
 * @param watchUntil the watch's last sample, once the window closed Stable into a watch; null otherwise
 * @param stableRevision the last revision that passed its own window (and its watch), null when none is known
 * @param findings the evidence for the current revision
 * @param procedure null when no action is recommended
 * @param timeline oldest first: the first event of each kind, plus the latest 20
 * @param declaration the last declaration seen, bound to the revision it was made against; null when none
 * @param options the policy's {@code spec.procedure}; null when the saved object holds no spec
 * @param metrics the policy's MetricsAvailable condition; null when absent
 */
public record Incident(
    String namespace,
    String policy,
    String deployment,
    Long revision,
    List<String> images,
    Phase phase,
    Action action,
    Tier tier,
    String reason,
    Instant decideBy,
    Instant rolloutStartedAt,
    Instant observeUntil,
    Instant watchUntil,
    Long stableRevision,
    List<String> stableImages,
    List<Finding> findings,
    Procedure procedure,
    List<Event> timeline,
    BoundDeclaration declaration,
    ProcedureOptions options,
    MetricsCondition metrics) {

  public Incident {
    images = images == null ? List.of() : List.copyOf(images);
    stableImages = stableImages == null ? List.of() : List.copyOf(stableImages);
    findings = findings == null ? List.of() : List.copyOf(findings);
    timeline = timeline == null ? List.of() : List.copyOf(timeline);
    action = action == null ? Action.None : action;
  }

  /** A timeline entry: {@code kind} is the event name as status records it (RolloutObserved, RolledBack, ...). */
  public record Event(Instant at, String kind, String message) {}

  /** The policy's MetricsAvailable condition: True, or False with NotConfigured / QueryFailed. */
  public record MetricsCondition(String status, String reason, String message) {}
}
