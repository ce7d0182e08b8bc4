package io.rollbackguard.verdict;

import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.EvaluationState.BoundDeclaration;
import io.rollbackguard.api.status.EvaluationState.Fired;
import io.rollbackguard.api.status.EvaluationState.Observed;
import io.rollbackguard.api.status.EvaluationState.Recommendation;
import io.rollbackguard.api.status.EvaluationState;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.Tier;
import io.rollbackguard.verdict.VerdictEvent.Type;
import io.rollbackguard.verdict.burn.BurnRateOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The decision of DESIGN.md §1 as a pure function: (policy, state, observation, sampling, now) → (state, verdict).
 *
 * <p>Samples exist only at grid instants, the whole multiples of the interval since the epoch, at or after the
 * rollout's start; a sample's age is its instant minus that start. An evaluation processes the due instants up to the
 * latest one at or before {@link Sampling#upTo()}, the <em>current</em> instant, which the observation's Kubernetes
 * facts stand for. Earlier due instants were missed (the operator was down, or late by more than an interval): their
 * Kubernetes signals are inconclusive, their metric signals are read from the sampling when Prometheus supplied them
 * late. A call between two instants takes no sample: only the human annotations act, at once.
 *
 * <p>After an edit of the interval, the instants of the new grid between the last one processed and the current one
 * are skipped, not missed: the edit applies from the next instant and invents no gap the operator did not have.
 */
public final class VerdictEngine {
  private static final String MISSED = "sample missed: the operator could not take it";

  private VerdictEngine() {}

  /** The operator's usual call: {@code observation} read now, its metrics the current grid instant's. */
  public static Evaluation evaluate(Policy policy, EvaluationState given, Observation observation, long now) {
    long current = Policy.gridAtOrBefore(now, policy.samplingInterval(given));
    return evaluate(policy, given, observation, new Sampling(now, Map.of(current, observation.metrics())), now);
  }

  /**
   * @param observation the Kubernetes facts (and annotations) for the current instant, null when they could not be
   *     read; its metrics are ignored, the sampling's are used
   */
  public static Evaluation evaluate(Policy policy, EvaluationState given, Observation observation, Sampling sampling,
      long now) {
    EvaluationState s = given.copy();
    List<VerdictEvent> events = new ArrayList<>(2);
    takeSamples(policy, s, observation, sampling, Math.min(sampling.upTo(), now), events);
    if (observation != null) {
      applyAnnotations(policy, s, observation, now, events);
    }
    checkDeadline(s, now, events);
    return new Evaluation(s, Findings.verdict(policy, s, now, events));
  }

  /**
   * Processes every due instant up to {@code upTo}, oldest first, of the grid in use: the policy's in the window, the
   * watch's after a Stable close. The loop ends at the window's last sample (the first aged window or more) and at
   * the watch's (the first at or past {@code watch.for} after the close), so it runs at most once per instant however
   * long the operator was away. The watch's instants are taken from the next evaluation on: a reading for them is
   * asked for on the watch's grid, which the evaluation that closes the window was not sampled on.
   */
  private static void takeSamples(Policy p, EvaluationState s, Observation observation, Sampling sampling,
      long upTo, List<VerdictEvent> events) {
    if (s.watching() && !p.watch().on()) {
      // the owner stopped asking for a watch: it ends now, and the revision passed its window
      PostWindowWatch.end(p, s, Math.max(s.lastSampleAt, Policy.gridAtOrBefore(upTo, p.intervalMillis())), events);
      return;
    }
    if (!s.takesSamples()) {
      return;
    }
    long interval = p.samplingInterval(s);
    long current = Policy.gridAtOrBefore(upTo, interval);
    long next = p.nextSampleAt(s);
    if (next > current) {
      return;
    }
    // An edited interval applies from the current instant and invents no missed ones; the watch's first sample on
    // its own grid is no edit.
    boolean sameGrid = s.windowOpen() || s.watchSamples() > 0;
    if (sameGrid && s.sampledInterval != 0 && s.sampledInterval != interval) {
      next = current;
    }
    for (long at = next; at <= current; at += interval) {
      s.lastSampleAt = at;
      s.sampledInterval = interval;
      if (takeSample(p, s, at == current ? observation : null, sampling.metricsAt(at), sampling, at, events)) {
        return;
      }
    }
  }

  /** One instant of the grid in use; whether it was the last of the window or of the watch. */
  private static boolean takeSample(Policy p, EvaluationState s, Observation k, Map<String, MetricReading> metrics,
      Sampling sampling, long at, List<VerdictEvent> events) {
    if (s.watching()) {
      sample(p, s, k, metrics, sampling.baselines(), at, events);
      if (PostWindowWatch.endsAt(p, s, at)) {
        PostWindowWatch.end(p, s, at, events);
        return true;
      }
      return false;
    }
    long age = at - s.rolloutStartedAt;
    if (!p.counts(age)) {
      return false;
    }
    sample(p, s, k, metrics, sampling.baselines(), at, events);
    if (p.closes(age)) {
      closeWindow(p, s, at, events);
      return true;
    }
    return false;
  }

  /**
   * One counted sample.
   *
   * @param k the instant's Kubernetes facts, null when the operator missed the instant
   * @param metrics the instant's metric readings, null when they were missed too
   * @param baselines the baselines of the signals regression criteria read
   */
  private static void sample(Policy p, EvaluationState s, Observation k, Map<String, MetricReading> metrics,
      Map<String, BaselineSamples> baselines, long at, List<VerdictEvent> events) {
    s.observed = read(p, k, metrics);
    s.lastSampleTaken = k != null;
    boolean watched = s.watching();
    if (watched) {
      count(s, k != null, p.watchedMetricSignals(), s.watchConclusiveSamples);
    } else {
      count(s, k != null, p.usedMetricSignals(), s.conclusiveSamples);
    }
    for (Criterion c : p.criteria()) {
      if (watched && !p.watch().acts(c)) {
        continue;
      }
      String description;
      if (c.burn() != null) {
        BurnRateOutcome outcome = Findings.burnOutcome(c, s);
        if (!outcome.breached()) {
          s.chains.remove(c.id());
          continue;
        }
        description = Findings.describe(c, outcome);
      } else if (c.regression() != null) {
        description = RegressionLooks.sample(p, s, c, baselines.get(c.regression().signal()), at);
        if (description == null) {
          s.chains.remove(c.id());
          continue;
        }
      } else {
        Observed r = s.observed.get(c.signal());
        if (r == null || !r.conclusive() || !isBreached(c, r.value())) {
          s.chains.remove(c.id());
          continue;
        }
        description = Findings.describe(c, r.value());
      }
      long since = s.chains.computeIfAbsent(c.id(), id -> at);
      if (!s.fired.containsKey(c.id()) && at - since >= c.holdForMillis()) {
        s.fired.put(c.id(), new Fired(since, at));
        s.breached = true;
        raise(p, s, Levels.of(c.tier()), c.tier(), c.condition(), at, description, false, events);
      }
    }
  }

  /** Counts one sample, of the window or of the watch, and the signals conclusive at it. */
  private static void count(EvaluationState s, boolean taken, Iterable<String> signals,
      Map<String, Integer> conclusive) {
    if (s.watching()) {
      if (taken) {
        s.watchSamplesTaken++;
      } else {
        s.watchSamplesMissed++;
      }
    } else if (taken) {
      s.samplesTaken++;
    } else {
      s.samplesMissed++;
    }
    for (String signal : signals) {
      Observed r = s.observed.get(signal);
      if (r != null && r.conclusive()) {
        conclusive.merge(signal, 1, Integer::sum);
      }
    }
  }

  private static boolean isBreached(Criterion c, double value) {
    return c.condition() ? value > 0 : c.isBreachedBy(value);
  }

  /** Every signal a criterion or the no-data rule reads, with the traffic guard applied. */
  private static Map<String, Observed> read(Policy p, Observation k, Map<String, MetricReading> metrics) {
    Map<String, Observed> out = new TreeMap<>();
    for (String signal : p.usedMetricSignals()) {
      out.put(signal, readMetric(p, metrics, signal));
    }
    for (Criterion c : p.criteria()) {
      if (c.condition() && !out.containsKey(c.signal())) {
        out.put(c.signal(), readCondition(k, c.signal()));
      } else if (c.metricSignal() != null && !out.containsKey(c.metricSignal())) {
        out.put(c.metricSignal(), readMetric(p, metrics, c.metricSignal()));
      }
    }
    return out;
  }

  private static Observed readMetric(Policy p, Map<String, MetricReading> metrics, String signal) {
    if (metrics == null) {
      return new Observed(null, MISSED, null);
    }
    MetricReading r = metrics.get(signal);
    if (r == null) {
      return new Observed(null, "no data", null);
    }
    if (!r.isConclusive()) {
      return new Observed(null, r.reason(), r.query());
    }
    if (p.minRequestRate() > 0 && Signals.isTrafficGuarded(signal)) {
      MetricReading traffic = metrics.get(Signals.REQUEST_RATE);
      if (traffic == null || !traffic.isConclusive()) {
        return new Observed(r.value(), "request rate unknown (minRequestRate guard)", r.query());
      }
      if (traffic.value() < p.minRequestRate()) {
        return new Observed(r.value(), "request rate " + Signals.format(Signals.REQUEST_RATE, traffic.value())
            + " below minRequestRate " + Signals.format(Signals.REQUEST_RATE, p.minRequestRate()), r.query());
      }
    }
    return new Observed(r.value(), null, r.query());
  }

  private static Observed readCondition(Observation k, String signal) {
    if (k == null) {
      return new Observed(null, MISSED, null);
    }
    double v;
    switch (signal) {
      case Signals.SERVICE_DOWN: v = k.serviceDown() ? 1 : 0; break;
      case Signals.ROLLOUT_STUCK: v = k.rolloutStuck() ? 1 : 0; break;
      case Signals.CRASH_LOOPING: v = k.crashLoopingPods(); break;
      default: throw new IllegalArgumentException("not a Kubernetes signal: " + signal);
    }
    return new Observed(v, null, null);
  }

  /**
   * A window closes Stable only when every used metric signal (and, for a Kubernetes-only policy, the sampling itself)
   * was conclusive at more than half of the counted samples and at the last one.
   */
  private static void closeWindow(Policy p, EvaluationState s, long at, List<VerdictEvent> events) {
    if (s.breached) {
      s.closedAs = Phase.Breached;
      return;
    }
    String lacking = Findings.lackingData(p, s);
    if (lacking == null || p.ignoreNoData()) {
      String passed = "revision " + s.revision + " passed its window"
          + (lacking == null ? "" : " without enough data (" + lacking + "; onNoData: Ignore)");
      if (p.watch().on()) {
        PostWindowWatch.start(p, s, at, passed, events);
        return;
      }
      s.closedAs = Phase.Stable;
      events.add(new VerdictEvent(at, Type.ObservationPassed, passed));
      return;
    }
    s.closedAs = Phase.Inconclusive;
    events.add(new VerdictEvent(at, Type.ObservationInconclusive, "revision " + s.revision
        + " closed its window without enough data: " + lacking));
    raise(p, s, Levels.NO_DATA, null, false, at, "no data: " + lacking, false, events);
  }

  /**
   * Latches a recommendation at {@code level} (DESIGN.md §1 Latching). A recommendation already at a higher level stays
   * as it is; at the same level only a Kubernetes criterion changes it, withdrawing the feature flag (a flag does not
   * restart pods that do not start; a metric firing later does not bring the flag back). After a dismissal only a
   * higher level, a higher action in the severity order, or a new declaration raises one again. An escalation keeps
   * the earlier deadline when it is sooner.
   *
   * @param tier null for missing data
   * @param kubernetes whether what fired is a Kubernetes criterion
   */
  private static void raise(Policy p, EvaluationState s, int level, Tier tier, boolean kubernetes, long at,
      String reason, boolean declared, List<VerdictEvent> events) {
    Recommendation r = s.recommendation;
    Action action = Levels.action(tier, p.featureFlags(), kubernetes);
    if (r != null ? !replaces(level, action, r) : !declared && !raisesAfterDismissal(level, action, s)) {
      return;
    }
    Long within = tier == null ? null : p.decideWithinMillis().get(tier);
    Long decideBy = within == null ? null : at + within;
    if (r != null && r.decideBy() != null && (decideBy == null || r.decideBy() < decideBy)) {
      decideBy = r.decideBy();
    }
    long actionSince = r != null && r.action() == action ? r.actionSince() : at;
    s.recommendation = new Recommendation(level, tier, action, r == null ? at : r.raisedAt(), actionSince, decideBy,
        reason, r != null && r.deadlinePassed() && java.util.Objects.equals(decideBy, r.decideBy()));
    String message = action + (tier == null ? "" : " (" + tier + ")") + ": " + reason;
    if (p.featureFlags() && action.withholdsFeatureFlags()) {
      message += tier == null ? "; no feature flag is offered: missing data does not say a flag is at fault"
          : "; no feature flag is offered: pods that do not start are not fixed by a flag";
    }
    events.add(new VerdictEvent(at, eventFor(r == null ? null : r.action(), action), message));
  }

  private static boolean replaces(int level, Action action, Recommendation r) {
    return level > r.level()
        || level == r.level() && r.action() == Action.DisableFeatureFlag && action != Action.DisableFeatureFlag;
  }

  private static boolean raisesAfterDismissal(int level, Action action, EvaluationState s) {
    return level > s.dismissedLevel || (s.dismissedAction != null && action.outranks(s.dismissedAction));
  }

  /**
   * The first rollback action a recommendation reaches is RollbackRecommended, whatever came before it (an alert on
   * RollbackRecommended must not miss an Evaluate that became a rollback); Escalated is a rise from one rollback tier
   * to a higher one.
   */
  private static Type eventFor(Action before, Action action) {
    if (action.isRollback() && before != null && before.isRollback()) {
      return Type.Escalated;
    }
    return recommendationEvent(action);
  }

  private static Type recommendationEvent(Action action) {
    switch (action) {
      case RollbackImmediate:
      case RollbackRapid: return Type.RollbackRecommended;
      case DisableFeatureFlag: return Type.FeatureFlagRecommended;
      default: return Type.EvaluationRecommended;
    }
  }

  private static void applyAnnotations(Policy p, EvaluationState s, Observation o, long now,
      List<VerdictEvent> events) {
    applyDeclaration(p, s, blankToNull(o.declaration()), blankToNull(o.declarationNote()), o.target(), now, events);
    applyDismissal(s, blankToNull(o.dismissRevision()), o.target(), now, events);
    String ack = blankToNull(o.acknowledgement());
    if (ack != null && !ack.equals(s.acknowledgementSeen)) {
      events.add(new VerdictEvent(now, Type.Acknowledged, ack));
    }
    s.acknowledgementSeen = ack;
  }

  /**
   * Removing the annotation ends the declaration, not what it raised: the latched recommendation stays until a person
   * dismisses it. A value that is not a declaration is said once and changes nothing: a typo must not silently lift a
   * declaration in force.
   */
  private static void applyDeclaration(Policy p, EvaluationState s, String value, String note, String target,
      long now, List<VerdictEvent> events) {
    BoundDeclaration bound = s.declaration;
    if (value == null) {
      if (bound != null) {
        events.add(new VerdictEvent(now, Type.DeclarationRemoved, bound.value() + " (revision " + bound.revision()
            + ") removed" + stillLatched(s, bound, target)));
      }
      s.declaration = null;
      s.unknownDeclarationSeen = null;
      return;
    }
    Optional<Declaration> declared = Declaration.parse(value);
    if (declared.isEmpty()) {
      if (!value.equals(s.unknownDeclarationSeen)) {
        events.add(new VerdictEvent(now, Type.DeclarationUnknown, "'" + value + "' is not a declaration; use one of "
            + Declaration.knownValues() + (bound == null ? "" : "; " + bound.value() + " (revision "
            + bound.revision() + ") stays declared")));
      }
      s.unknownDeclarationSeen = value;
      return;
    }
    s.unknownDeclarationSeen = null;
    if (bound == null || !bound.value().equals(value)) {
      bind(p, s, declared.get(), note, now, events);
    } else if (!bound.revision().equals(s.revision)) {
      if (!s.revision.equals(s.declarationNotAppliedFor)) {
        s.declarationNotAppliedFor = s.revision;
        events.add(new VerdictEvent(now, Type.DeclarationNotApplied, value + " was declared against revision "
            + bound.revision() + ", not applied to revision " + s.revision
            + "; remove the annotation and set it again to declare against this revision"));
      }
    } else if (note != null && !note.equals(bound.note())) {
      s.declaration = new BoundDeclaration(bound.value(), note, bound.revision(), bound.at());
      events.add(new VerdictEvent(now, Type.DeclarationNote, note));
    }
  }

  /** What stays after a declaration of the current revision is removed, and how to drop it. */
  private static String stillLatched(EvaluationState s, BoundDeclaration removed, String target) {
    Recommendation r = s.recommendation;
    if (r == null || !removed.revision().equals(s.revision)) {
      return "";
    }
    return "; " + r.action() + " stays latched until dismissed: " + dismissCommand(s.revision, target);
  }

  private static String dismissCommand(String revision, String target) {
    return "kubectl annotate " + (target == null ? "deployment/NAME" : target) + " rollbackguard.io/dismiss="
        + revision + " --overwrite";
  }

  private static void bind(Policy p, EvaluationState s, Declaration d, String note, long now,
      List<VerdictEvent> events) {
    s.declaration = new BoundDeclaration(d.value(), note, s.revision, now);
    s.breached = true;
    String reason = "declared " + d.value() + (note == null ? "" : ": " + note);
    events.add(new VerdictEvent(now, Type.Declared, reason + " (revision " + s.revision + ")"));
    raise(p, s, Levels.of(d.tier()), d.tier(), false, now, reason, true, events);
  }

  /** A dismissal names the revision it drops; one naming another revision is said once and drops nothing. */
  private static void applyDismissal(EvaluationState s, String value, String target, long now,
      List<VerdictEvent> events) {
    if (value == null || value.equals(s.dismissSeen)) {
      s.dismissSeen = value;
      return;
    }
    s.dismissSeen = value;
    if (!value.equals(s.revision)) {
      events.add(new VerdictEvent(now, Type.DismissIgnored, "dismiss names revision " + value
          + ", but the current revision is " + s.revision + (s.recommendation == null ? ""
              : "; to dismiss its " + s.recommendation.action() + ": " + dismissCommand(s.revision, target))));
      return;
    }
    Recommendation r = s.recommendation;
    if (r != null) {
      if (r.level() >= s.dismissedLevel) {
        s.dismissedLevel = r.level();
        s.dismissedAction = r.action();
      }
      s.recommendation = null;
      events.add(new VerdictEvent(now, Type.Dismissed, r.action() + " for revision " + s.revision + " dismissed"));
    }
  }

  private static void checkDeadline(EvaluationState s, long now, List<VerdictEvent> events) {
    Recommendation r = s.recommendation;
    if (r != null && r.decideBy() != null && !r.deadlinePassed() && now >= r.decideBy()) {
      s.recommendation = new Recommendation(r.level(), r.tier(), r.action(), r.raisedAt(), r.actionSince(),
          r.decideBy(), r.reason(), true);
      events.add(new VerdictEvent(now, Type.DeadlinePassed, r.action() + " was to be decided by now"));
    }
  }

  private static String blankToNull(String v) {
    return v == null || v.isBlank() ? null : v.trim();
  }
}
