package io.rollbackguard.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the verdict needs to go on after a restart, for one target: kept in its RolloutVerdict's status. The
 * engine's decision reads and returns it; what it means for the sampling grid is the engine's
 * ({@code Policy.nextSampleAt}).
 * Times are epoch milliseconds. The engine never mutates a state it is given; it returns a new one.
 */
// NON_DEFAULT: a field at its initial value (-1, 0, false, empty) is left out of status, which keeps it small.
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
public class EvaluationState {
  /** The revision this window observes. */
  public String revision;
  public long rolloutStartedAt;
  /** The last grid instant processed (counted or not, taken or missed), epoch ms; -1 before the first. */
  public long lastSampleAt = -1;
  /** The interval lastSampleAt was on; 0 before the first sample. Another interval in the policy: it was edited. */
  public long sampledInterval;
  /** Counted samples (at or after initialDelay) whose Kubernetes facts the operator read. */
  public int samplesTaken;
  /** Counted samples processed without Kubernetes facts (the operator missed their instant). */
  public int samplesMissed;
  /** Whether the latest counted sample was taken rather than missed. */
  public boolean lastSampleTaken;
  /** Per used metric signal: counted samples at which it was conclusive. */
  public Map<String, Integer> conclusiveSamples = new TreeMap<>();
  /** Per criterion id: the first breached sample of its unbroken breach chain. */
  public Map<String, Long> chains = new TreeMap<>();
  /** Per criterion id that fired for this revision: its chain start and the time it fired. */
  public Map<String, Fired> fired = new TreeMap<>();
  /** The latest sample's reading of every sampled signal, for findings and MetricsAvailable. */
  public Map<String, Observed> observed = new TreeMap<>();
  /** Whether any tier fired (or a declaration bound) for this revision. */
  public boolean breached;
  /**
   * How the window closed: Stable, Inconclusive or Breached; Watching while the watch that follows a Stable close
   * samples the revision (then Stable or Breached when it ends); null while the window is open.
   */
  public Phase closedAs;
  /** The instant of the window's last sample, once a watch followed it; null otherwise. */
  public Long windowClosedAt;
  /** Watch samples processed with the operator's Kubernetes facts, and without (missed). */
  public int watchSamplesTaken;
  public int watchSamplesMissed;
  /** Per metric signal the watch reads: watch samples at which it was conclusive. */
  public Map<String, Integer> watchConclusiveSamples = new TreeMap<>();
  /** The latched recommendation, null when there is none or it was dismissed. */
  public Recommendation recommendation;
  /**
   * The level and action of the highest dismissed recommendation: only a higher level, a higher action (or a new
   * declaration) raises again.
   */
  public int dismissedLevel;
  public Action dismissedAction;
  /** The dismiss annotation last acted on (or said to be ignored), so one annotation acts once. */
  public String dismissSeen;
  /** The declaration in force, bound to the revision that was current when first seen. */
  public BoundDeclaration declaration;
  /** The revision for which "declaration not applied" was already said. */
  public String declarationNotAppliedFor;
  public String unknownDeclarationSeen;
  public String acknowledgementSeen;
  /** Per regression criterion id: what it has seen of this window (DESIGN §1b). */
  public Map<String, RegressionTrack> regressions = new TreeMap<>();

  public record Fired(long since, long at) {}

  /**
   * A reading at the latest sample: a value, or why there is none. The resolved query is evidence for the findings
   * of this sample, not state to resume from: it is not kept in status (a restart shows it again at the next sample).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Observed(Double value, String reason,
      @com.fasterxml.jackson.annotation.JsonIgnore String query) {
    public boolean conclusive() {
      return reason == null && value != null;
    }
  }

  /**
   * @param level the engine's rank of the recommendation: higher outranks lower
   * @param tier null for a recommendation that comes from missing data
   * @param raisedAt when this recommendation first appeared
   * @param actionSince when its current action first appeared
   * @param decideBy null when no deadline applies
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Recommendation(int level, Tier tier, Action action, long raisedAt, long actionSince, Long decideBy,
      String reason, boolean deadlinePassed) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record BoundDeclaration(String value, String note, String revision, long at) {}

  /**
   * A regression criterion's window so far: how many of the samples its test uses (every stride-th counted sample)
   * have passed, the conclusive ones among them (oldest first, rounded to 6 significant digits so that status stays
   * small), the false-alarm budget its looks spent, and its latest look. The baseline is not kept here: the operator
   * fetches it again after a restart.
   *
   * @param state the latest look's outcome (BREACHED, NOT_BREACHED or INCONCLUSIVE), null before the first
   * @param change the latest look's change of the means, null when it had none
   * @param message the latest look, as the finding shows it
   * @param signal the signal the samples are of (null in a state recorded before it was kept)
   * @param lastUsedAt the instant of the latest used sample (ms), null before the first
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record RegressionTrack(int slots, java.util.List<Double> samples, double spent, String state, Double change,
      String message, String signal, Long lastUsedAt) {}

  /** A fresh window for {@code revision}; what humans declared before stays bound to its own revision. */
  public static EvaluationState forRollout(EvaluationState previous, String revision, long startedAt) {
    EvaluationState s = new EvaluationState();
    s.revision = revision;
    s.rolloutStartedAt = startedAt;
    if (previous != null) {
      s.declaration = previous.declaration;
      s.unknownDeclarationSeen = previous.unknownDeclarationSeen;
      s.acknowledgementSeen = previous.acknowledgementSeen;
      s.dismissSeen = previous.dismissSeen;
    }
    return s;
  }

  /**
   * A revision adopted as the stable baseline (first seen with its rollout complete): no window to observe, but
   * declarations still act on it.
   */
  public static EvaluationState adopted(String revision, long at) {
    EvaluationState s = forRollout(null, revision, at);
    s.closedAs = Phase.Stable;
    return s;
  }

  /** Counted samples processed so far, taken or missed: what the no-data rule counts against. */
  public int countedSamples() {
    return samplesTaken + samplesMissed;
  }

  /** Whether the window's samples are still being taken. */
  public boolean windowOpen() {
    return closedAs == null;
  }

  /** Whether the revision passed its window and its watch still samples it. */
  public boolean watching() {
    return closedAs == Phase.Watching;
  }

  /** Whether samples may still be taken for this revision: in its window, or while it is watched. */
  public boolean takesSamples() {
    return windowOpen() || watching();
  }

  /** Watch samples processed so far, taken or missed. */
  public int watchSamples() {
    return watchSamplesTaken + watchSamplesMissed;
  }

  public EvaluationState copy() {
    EvaluationState c = new EvaluationState();
    c.revision = revision;
    c.rolloutStartedAt = rolloutStartedAt;
    c.lastSampleAt = lastSampleAt;
    c.sampledInterval = sampledInterval;
    c.samplesTaken = samplesTaken;
    c.samplesMissed = samplesMissed;
    c.lastSampleTaken = lastSampleTaken;
    c.conclusiveSamples = new TreeMap<>(conclusiveSamples);
    c.chains = new TreeMap<>(chains);
    c.fired = new TreeMap<>(fired);
    c.observed = new TreeMap<>(observed);
    c.breached = breached;
    c.closedAs = closedAs;
    c.windowClosedAt = windowClosedAt;
    c.watchSamplesTaken = watchSamplesTaken;
    c.watchSamplesMissed = watchSamplesMissed;
    c.watchConclusiveSamples = new TreeMap<>(watchConclusiveSamples);
    c.recommendation = recommendation;
    c.dismissedLevel = dismissedLevel;
    c.dismissedAction = dismissedAction;
    c.dismissSeen = dismissSeen;
    c.declaration = declaration;
    c.declarationNotAppliedFor = declarationNotAppliedFor;
    c.unknownDeclarationSeen = unknownDeclarationSeen;
    c.acknowledgementSeen = acknowledgementSeen;
    c.regressions = new TreeMap<>(regressions);
    return c;
  }
}
