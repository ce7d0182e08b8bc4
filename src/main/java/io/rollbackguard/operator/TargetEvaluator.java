package io.rollbackguard.operator;

import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.EvaluationState;
import io.rollbackguard.api.status.FindingStatus;
import io.rollbackguard.api.status.LastIncident;
import io.rollbackguard.api.status.RolloutTracking;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.api.status.SampleCounts;
import io.rollbackguard.api.status.TimelineEntry;
import io.rollbackguard.policy.CompiledPolicy;
import io.rollbackguard.procedure.ProcedureWriter;
import io.rollbackguard.procedure.RolloutContext;
import io.rollbackguard.rollout.RolloutSnapshot;
import io.rollbackguard.rollout.StableRevisionTracker.Change;
import io.rollbackguard.rollout.StableRevisionTracker;
import io.rollbackguard.signals.KubernetesSignals;
import io.rollbackguard.signals.PodState;
import io.rollbackguard.verdict.Evaluation;
import io.rollbackguard.verdict.Finding;
import io.rollbackguard.verdict.Policy;
import io.rollbackguard.verdict.Verdict;
import io.rollbackguard.verdict.VerdictEngine;
import io.rollbackguard.verdict.VerdictEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One guarded Deployment, one reconcile: observe (rollout, Kubernetes signals, the metric readings the sampler
 * delivered) → decide (the verdict) → the verdict status to record, with the timeline entries that are new (each
 * becomes a Kubernetes Event once recorded).
 */
public final class TargetEvaluator {
  private static final ProcedureWriter PROCEDURES = new ProcedureWriter();

  /**
   * @param status the status to record
   * @param added timeline entries new in this evaluation
   * @param verdict null while the controller has not produced a revision yet
   * @param state the evaluation state after this evaluation, null with no verdict
   */
  public record Result(RolloutVerdictStatus status, List<TimelineEntry> added, Verdict verdict,
      EvaluationState state) {}

  /**
   * @param metrics which grid instants can be processed, with their metric readings, given the window's state; null
   *     for a Kubernetes-only policy (every due instant, no metrics)
   */
  public Result evaluate(CompiledPolicy compiled, RolloutSnapshot snapshot, List<PodState> pods, MetricSource metrics,
      RolloutVerdictStatus previous, long now) {
    Policy policy = compiled.policy();
    List<TimelineEntry> added = new ArrayList<>();
    RolloutTracking before = previous == null ? null : previous.tracking;
    if (before != null && watchedUnbreached(previous.evaluation)) {
      before = endWatch(before, snapshot, added, now);
    }
    Change change = StableRevisionTracker.track(before, snapshot, now,
        policy.windowMillis() + policy.watch().forMillis());
    if (change.kind() == StableRevisionTracker.Kind.Waiting) {
      return new Result(previous != null ? previous : new RolloutVerdictStatus(), List.of(), null, null);
    }
    EvaluationState state = startingState(change, previous, snapshot, added, now, policy.windowMillis());
    if (change.kind() == StableRevisionTracker.Kind.RolloutStarted
        || change.kind() == StableRevisionTracker.Kind.RolledBack) {
      state = fromFirstSight(state, policy, now);
    }
    RolloutTracking tracking = change.tracking();
    Integer restartsBaseline = change.kind() == StableRevisionTracker.Kind.Unchanged ? tracking.restarts() : null;
    KubernetesSignals.Reading reading = KubernetesSignals.observe(snapshot, pods, restartsBaseline, Map.of());

    Evaluation evaluation = metrics == null
        ? VerdictEngine.evaluate(policy, state, reading.observation(), now)
        : VerdictEngine.evaluate(policy, state, reading.observation(), metrics.sampling(state, now), now);
    Verdict verdict = evaluation.verdict();
    if (evaluation.state().lastSampleAt != state.lastSampleAt || restartsBaseline == null) {
      tracking = tracking.withRestarts(reading.restarts());
    }
    tracking = recordEvents(verdict, tracking, snapshot.containers(), added);
    RolloutVerdictStatus status = status(compiled, snapshot, previous, change, tracking, evaluation, added, now);
    return new Result(status, added, verdict, evaluation.state());
  }

  /**
   * The engine's events as timeline entries, appended to {@code added}; a window passed makes the tracked revision the
   * stable one. Returns the tracking after them.
   */
  public static RolloutTracking recordEvents(Verdict verdict, RolloutTracking tracking, Map<String, String> containers,
      List<TimelineEntry> added) {
    RolloutTracking t = tracking;
    for (VerdictEvent e : verdict.events()) {
      if (e.type() == VerdictEvent.Type.ObservationPassed) {
        t = t.promoted(containers);
      }
      added.add(new TimelineEntry(Times.format(e.at()), e.type().name(), e.message()));
    }
    return t;
  }

  private static boolean watchedUnbreached(EvaluationState state) {
    return state != null && state.watching() && !state.breached;
  }

  /**
   * A rollout during the watch ends it (DESIGN.md §1b): the watched revision passed its window, so a new template
   * makes it the stable revision; a return to the stable template is a rollback, which promotes nothing.
   */
  private static RolloutTracking endWatch(RolloutTracking watched, RolloutSnapshot s, List<TimelineEntry> added,
      long now) {
    if (s.podTemplateHash() == null || s.podTemplateHash().equals(watched.podTemplateHash())) {
      return watched;
    }
    RolloutTracking after = StableRevisionTracker.endWatch(watched, s);
    String revision = "revision " + watched.revision();
    added.add(new TimelineEntry(Times.format(now), "WatchEnded", after != watched
        ? "the watch of " + revision + " was cut short by a new rollout; " + revision
            + " passed its window and is the stable revision now"
        : "the watch of " + revision + " ended with a rollback to the stable template; " + revision
            + " is not promoted"));
    return after;
  }

  /** The entry that opens a rollout's timeline: postmortem reads the revision and its images back from it. */
  public static TimelineEntry rolloutObserved(long at, String revision, Collection<String> images) {
    return new TimelineEntry(Times.format(at), "RolloutObserved",
        "revision " + revision + " (" + String.join(", ", images) + ")");
  }

  /**
   * A new rollout is sampled from the first grid instant after the operator saw it. Its start comes from a
   * ReplicaSet's creationTimestamp, which has whole seconds: an instant between that and now was never observable,
   * and querying it for each rollout seen a moment late would cost the policy one more query per signal per instant.
   */
  private static EvaluationState fromFirstSight(EvaluationState state, Policy policy, long now) {
    long seen = Policy.gridAtOrBefore(now, policy.intervalMillis());
    if (state.lastSampleAt < seen && seen >= state.rolloutStartedAt) {
      EvaluationState s = state.copy();
      s.lastSampleAt = seen;
      return s;
    }
    return state;
  }

  private static EvaluationState startingState(Change change, RolloutVerdictStatus previous, RolloutSnapshot s,
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
        added.add(rolloutObserved(change.startedAt(), revision, s.containers().values()));
        return EvaluationState.forRollout(before, revision, change.startedAt());
      case RolledBack:
        // The controller renumbers the restored ReplicaSet before it updates the Deployment: by then the tracked
        // stable revision may already carry its new number, which is no use in the message.
        Long stableBefore = previous.tracking == null ? null : previous.tracking.stableRevision();
        boolean known = stableBefore != null && !Long.toString(stableBefore).equals(revision);
        added.add(new TimelineEntry(Times.format(change.startedAt()), "RolledBack", "revision " + revision
            + " restores the template of " + (known ? "stable revision " + stableBefore : "the stable revision")
            + "; a fresh window verifies it"));
        return EvaluationState.forRollout(before, revision, change.startedAt());
      default:
        return before != null && revision.equals(before.revision) ? before
            : EvaluationState.adopted(revision, change.startedAt());
    }
  }

  private static RolloutVerdictStatus status(CompiledPolicy compiled, RolloutSnapshot s,
      RolloutVerdictStatus previous, Change change, RolloutTracking tracking, Evaluation evaluation,
      List<TimelineEntry> added, long now) {
    Map<String, String> stable = StableRevisionTracker.stableContainers(tracking, s);
    // A revision that passed its window (or was adopted) and is then declared bad is its own stable revision: the
    // target is the one before, which no window verified, so the procedure says so rather than "undo to itself".
    boolean runningIsStable = s.podTemplateHash() != null
        && s.podTemplateHash().equals(tracking.stablePodTemplateHash());
    Long target = runningIsStable ? null : tracking.stableRevision();
    RolloutContext rollout = new RolloutContext(s.namespace(), s.name(), tracking.revision(), target,
        !runningIsStable && StableRevisionTracker.stableInHistory(tracking, s), s.containers(),
        runningIsStable ? Map.of() : stable, s.replicas(), s.labels(), s.annotations());
    return status(compiled, rollout, stable, tracking, previous, change.kind(), evaluation, added, now);
  }

  /**
   * The status the operator records for one evaluation, from plain facts: {@code rollback-guard test --verdict} prints
   * the same for a simulated rollout.
   *
   * @param rollout what the procedure is written for
   * @param stableImages the stable revision's containers as the status shows them
   * @param change how the rollout moved in this reconcile (a rollback resolves the last incident)
   * @param added timeline entries new in this evaluation
   */
  public static RolloutVerdictStatus status(CompiledPolicy compiled, RolloutContext rollout,
      Map<String, String> stableImages, RolloutTracking tracking, RolloutVerdictStatus previous,
      StableRevisionTracker.Kind change, Evaluation evaluation, List<TimelineEntry> added, long now) {
    Verdict v = evaluation.verdict();
    EvaluationState state = evaluation.state();
    RolloutVerdictStatus d = new RolloutVerdictStatus();
    d.revision = tracking.revision();
    d.phase = v.phase();
    d.action = v.action();
    d.reason = v.reason();
    d.stableRevision = tracking.stableRevision();
    d.tracking = tracking;
    d.guarded = true;
    d.timeline = Timeline.append(previous == null ? List.of() : previous.timeline, added);
    d.evaluation = state;
    d.images = new ArrayList<>(rollout.images().values());
    d.tier = v.tier();
    d.decideBy = Times.format(v.decideBy());
    d.rolloutStartedAt = Times.format(state.rolloutStartedAt);
    d.observeUntil = Times.format(v.observeUntil());
    d.watchUntil = Times.format(v.watchUntil());
    d.samples = new SampleCounts(state.samplesTaken, state.samplesMissed, state.conclusiveSamples);
    d.stableImages = new ArrayList<>(stableImages.values());
    String observedAt = state.lastSampleAt < 0 ? null : Times.format(state.lastSampleAt);
    d.findings = v.findings().stream().map(f -> finding(f, observedAt)).toList();
    if (v.action() != Action.None) {
      d.procedure = PROCEDURES.write(v.action(), v.tier(), compiled.procedure(), rollout);
    }
    d.lastIncident = lastIncident(previous, change, d, v, now);
    VerdictBudget.fit(d);
    return d;
  }

  /**
   * The latest revision that had an action: opened when it gets one and resolved (not dropped) when a rollback, a
   * dismissal or a newer revision ends it, so that `postmortem` can read it after the rollback replaced the revision.
   * While it is open its evidence and procedure are the verdict's own, so they are not kept twice; on resolution they
   * are copied from the status that showed them last.
   */
  static LastIncident lastIncident(RolloutVerdictStatus previous, StableRevisionTracker.Kind change,
      RolloutVerdictStatus now,
      Verdict v, long at) {
    LastIncident before = previous == null ? null : previous.lastIncident;
    if (v.action() != Action.None) {
      LastIncident i = new LastIncident();
      i.revision = now.revision;
      i.images = now.images;
      i.action = v.action();
      i.tier = v.tier();
      boolean same = before != null && before.revision != null && before.revision.equals(now.revision)
          && before.resolution == LastIncident.Resolution.Open;
      i.firedAt = same && before.firedAt != null ? before.firedAt : Times.format(v.actionSince() == null ? at
          : v.actionSince());
      i.decideBy = now.decideBy;
      i.reason = now.reason;
      i.resolution = LastIncident.Resolution.Open;
      return i;
    }
    if (before == null || before.resolution != LastIncident.Resolution.Open) {
      return before;
    }
    LastIncident.Resolution resolution;
    if (before.revision != null && before.revision.equals(now.revision)) {
      resolution = LastIncident.Resolution.Dismissed;
    } else if (change == StableRevisionTracker.Kind.RolledBack) {
      resolution = LastIncident.Resolution.RolledBack;
    } else {
      resolution = LastIncident.Resolution.Superseded;
    }
    LastIncident i = copy(before);
    i.findings = previous.findings;
    i.procedure = previous.procedure;
    i.resolution = resolution;
    i.resolvedAt = Times.format(at);
    return i;
  }

  private static LastIncident copy(LastIncident from) {
    LastIncident i = new LastIncident();
    i.revision = from.revision;
    i.images = from.images;
    i.action = from.action;
    i.tier = from.tier;
    i.firedAt = from.firedAt;
    i.decideBy = from.decideBy;
    i.reason = from.reason;
    i.findings = from.findings;
    i.procedure = from.procedure;
    i.resolution = from.resolution;
    i.resolvedAt = from.resolvedAt;
    return i;
  }

  private static FindingStatus finding(Finding f, String observedAt) {
    FindingStatus s = new FindingStatus();
    s.signal = f.signal();
    s.tier = f.tier();
    s.state = f.state();
    s.observed = f.observed();
    s.threshold = f.threshold();
    s.since = Times.format(f.since());
    s.firedAt = Times.format(f.firedAt());
    s.observedAt = f.observed() == null ? null : observedAt;
    s.message = f.message();
    s.query = f.query() != null && f.query().length() > 1024 ? f.query().substring(0, 1021) + "..." : f.query();
    return s;
  }
}
