package io.rollbackguard.operator;

import io.rollbackguard.api.status.DeploymentStatus;
import io.rollbackguard.api.status.FindingStatus;
import io.rollbackguard.api.status.TimelineEntry;
import io.rollbackguard.policy.CompiledPolicy;
import io.rollbackguard.procedure.ProcedureWriter;
import io.rollbackguard.procedure.RolloutContext;
import io.rollbackguard.rollout.RolloutSnapshot;
import io.rollbackguard.rollout.RolloutTracking;
import io.rollbackguard.rollout.StableRevisionTracker;
import io.rollbackguard.rollout.StableRevisionTracker.Change;
import io.rollbackguard.signals.KubernetesSignals;
import io.rollbackguard.signals.PodState;
import io.rollbackguard.verdict.Action;
import io.rollbackguard.verdict.Evaluation;
import io.rollbackguard.verdict.EvaluationState;
import io.rollbackguard.verdict.Finding;
import io.rollbackguard.verdict.MetricReading;
import io.rollbackguard.verdict.Phase;
import io.rollbackguard.verdict.Policy;
import io.rollbackguard.verdict.Verdict;
import io.rollbackguard.verdict.VerdictEngine;
import io.rollbackguard.verdict.VerdictEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One target, one reconcile: observe (rollout, Kubernetes signals) → decide (the verdict) → the status entry to
 * record, with the timeline entries that are new (each becomes a Kubernetes Event once recorded).
 */
public final class TargetEvaluator {
  /** After this long without news, a stable target's entry is summarised. */
  static final long QUIET_MILLIS = 3_600_000;

  private final ProcedureWriter procedures = new ProcedureWriter();

  /**
   * @param status the entry to record
   * @param added timeline entries new in this evaluation
   * @param verdict null while the controller has not produced a revision yet
   * @param wakeUpAt the next moment this target needs a look (a sample, a deadline), or null
   */
  public record Result(DeploymentStatus status, List<TimelineEntry> added, Verdict verdict, Long wakeUpAt) {}

  public Result evaluate(CompiledPolicy compiled, RolloutSnapshot snapshot, List<PodState> pods,
      Map<String, MetricReading> metrics, DeploymentStatus recorded, long now) {
    DeploymentStatus previous = expandQuiet(recorded, snapshot);
    Change change = StableRevisionTracker.track(previous == null ? null : previous.tracking, snapshot, now);
    if (change.kind() == StableRevisionTracker.Kind.Waiting) {
      DeploymentStatus waiting = previous != null ? previous : new DeploymentStatus();
      waiting.name = snapshot.name();
      return new Result(waiting, List.of(), null, null);
    }
    List<TimelineEntry> added = new ArrayList<>();
    EvaluationState state = startingState(change, previous, snapshot, added, now,
        compiled.policy().windowMillis());
    RolloutTracking tracking = change.tracking();
    Integer restartsBaseline = change.kind() == StableRevisionTracker.Kind.Unchanged ? tracking.restarts() : null;
    KubernetesSignals.Reading reading = KubernetesSignals.observe(snapshot, pods, restartsBaseline, metrics);

    Policy policy = compiled.policy();
    Evaluation evaluation = VerdictEngine.evaluate(policy, state, reading.observation(), now);
    Verdict verdict = evaluation.verdict();
    if (evaluation.state().lastSample != state.lastSample || restartsBaseline == null) {
      tracking = tracking.withRestarts(reading.restarts());
    }
    for (VerdictEvent e : verdict.events()) {
      if (e.type() == VerdictEvent.Type.ObservationPassed) {
        tracking = tracking.promoted(snapshot.containers());
      }
      added.add(new TimelineEntry(Times.format(e.at()), e.type().name(), e.message()));
    }
    DeploymentStatus status = status(compiled, snapshot, previous, tracking, evaluation, added, now);
    return new Result(status, added, verdict, wakeUpAt(policy, evaluation.state(), verdict, now));
  }

  private static EvaluationState startingState(Change change, DeploymentStatus previous, RolloutSnapshot s,
      List<TimelineEntry> added, long now, long windowMillis) {
    EvaluationState before = previous == null ? null : previous.evaluation;
    String revision = Long.toString(change.tracking().revision());
    switch (change.kind()) {
      case Adopted:
        return EvaluationState.adopted(revision, change.startedAt());
      case RolloutStarted:
        if ((before != null && change.startedAt() < before.rolloutStartedAt)
            || change.startedAt() + windowMillis <= now) {
          // An old ReplicaSet re-used (undo to a revision that never passed), or a Deployment first seen long after
          // its ReplicaSet was made (scaling, a drain): its creation says nothing of this window, which starts now.
          change = new Change(change.kind(), change.tracking(), now);
        }
        added.add(new TimelineEntry(Times.format(change.startedAt()), "RolloutObserved",
            "revision " + revision + " (" + String.join(", ", s.containers().values()) + ")"));
        return EvaluationState.forRollout(before, revision, change.startedAt());
      case RolledBack:
        added.add(new TimelineEntry(Times.format(change.startedAt()), "RolledBack", "revision " + revision
            + " restores the template of stable revision " + (previous.tracking == null ? "?" :
                previous.tracking.stableRevision()) + "; a fresh window verifies it"));
        return EvaluationState.forRollout(before, revision, change.startedAt());
      default:
        return before != null && revision.equals(before.revision) ? before
            : EvaluationState.adopted(revision, change.startedAt());
    }
  }

  private DeploymentStatus status(CompiledPolicy compiled, RolloutSnapshot s, DeploymentStatus previous,
      RolloutTracking tracking, Evaluation evaluation, List<TimelineEntry> added, long now) {
    Verdict v = evaluation.verdict();
    DeploymentStatus d = new DeploymentStatus();
    d.name = s.name();
    d.revision = tracking.revision();
    d.phase = v.phase();
    d.action = v.action();
    d.reason = v.reason();
    d.stableRevision = tracking.stableRevision();
    d.tracking = tracking;
    d.timeline = Timeline.append(previous == null ? List.of() : previous.timeline, added);
    boolean quiet = v.phase() == Phase.Stable && v.action() == Action.None
        && (d.timeline.isEmpty() || now - Times.parse(d.timeline.get(d.timeline.size() - 1).at) > QUIET_MILLIS);
    if (quiet && evaluation.state().declaration == null && evaluation.state().acknowledgementSeen == null
        && evaluation.state().dismissSeen == null) {
      return quiet(d, tracking);
    }
    d.evaluation = evaluation.state();
    d.images = new ArrayList<>(s.containers().values());
    d.tier = v.tier();
    d.decideBy = Times.format(v.decideBy());
    d.rolloutStartedAt = Times.format(evaluation.state().rolloutStartedAt);
    d.observeUntil = Times.format(v.observeUntil());
    Map<String, String> stable = StableRevisionTracker.stableContainers(tracking, s);
    d.stableImages = new ArrayList<>(stable.values());
    // A revision that passed its window (or was adopted) and is then declared bad is its own stable revision: the
    // target is the one before, which no window verified, so the procedure says so rather than "undo to itself".
    boolean runningIsStable = s.podTemplateHash() != null
        && s.podTemplateHash().equals(tracking.stablePodTemplateHash());
    Long target = runningIsStable ? null : tracking.stableRevision();
    d.findings = v.findings().stream().map(TargetEvaluator::finding).toList();
    if (v.action() != Action.None) {
      d.procedure = procedures.write(v.action(), v.tier(), compiled.procedure(), new RolloutContext(s.namespace(),
          s.name(), tracking.revision(), target, !runningIsStable && StableRevisionTracker.stableInHistory(tracking, s),
          s.containers(), runningIsStable ? Map.of() : stable, s.replicas(), s.labels(), s.annotations()));
    }
    return d;
  }

  /** A quiet stable target: its name, revision and template hash say all there is. */
  private static DeploymentStatus quiet(DeploymentStatus full, RolloutTracking tracking) {
    DeploymentStatus d = headline(full);
    d.tracking = tracking.quiet();
    return d;
  }

  /** Name, revision, phase and action alone: what a quiet target shows. */
  private static DeploymentStatus headline(DeploymentStatus from) {
    DeploymentStatus d = new DeploymentStatus();
    d.name = from.name;
    d.revision = from.revision;
    d.phase = from.phase;
    d.action = from.action;
    d.timeline = List.of();
    return d;
  }

  /** The recorded entry of a quiet target, with what it implies spelled out again. */
  private static DeploymentStatus expandQuiet(DeploymentStatus recorded, RolloutSnapshot s) {
    if (recorded == null || recorded.evaluation != null || recorded.tracking == null || recorded.phase != Phase.Stable) {
      return recorded;
    }
    RolloutTracking t = recorded.tracking;
    RolloutSnapshot.HistoryEntry own = s.history().get(t.podTemplateHash());
    DeploymentStatus d = headline(recorded);
    d.tracking = t.expandQuiet(own == null ? null : own.containers());
    d.evaluation = EvaluationState.adopted(Long.toString(t.revision()), 0);
    return d;
  }

  private static FindingStatus finding(Finding f) {
    FindingStatus s = new FindingStatus();
    s.signal = f.signal();
    s.tier = f.tier();
    s.state = f.state();
    s.observed = f.observed();
    s.threshold = f.threshold();
    s.since = Times.format(f.since());
    s.firedAt = Times.format(f.firedAt());
    s.message = f.message();
    s.query = f.query();
    return s;
  }

  /**
   * Whether evaluating this target now takes a sample, so metrics are worth querying: a new revision, or an open
   * window whose next sample time has come.
   */
  static boolean sampleDue(Policy p, DeploymentStatus recorded, RolloutSnapshot s, long now) {
    if (s.revision() == null) {
      return false;
    }
    if (recorded == null || recorded.revision == null || recorded.revision.longValue() != s.revision()) {
      return true;
    }
    EvaluationState e = recorded.evaluation;
    return e != null && e.windowOpen() && e.nextSampleAt(p.intervalMillis()) <= now;
  }

  /** The next sample time while the window is open, or the deadline still to come, whichever is first. */
  private static Long wakeUpAt(Policy p, EvaluationState s, Verdict v, long now) {
    Long next = s.windowOpen() ? s.nextSampleAt(p.intervalMillis()) : null;
    if (v.decideBy() != null && v.decideBy() > now && (next == null || v.decideBy() < next)) {
      next = v.decideBy();
    }
    return next;
  }
}
