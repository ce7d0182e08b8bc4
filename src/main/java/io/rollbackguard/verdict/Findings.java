package io.rollbackguard.verdict;

import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.EvaluationState.BoundDeclaration;
import io.rollbackguard.api.status.EvaluationState.Fired;
import io.rollbackguard.api.status.EvaluationState.Observed;
import io.rollbackguard.api.status.EvaluationState.Recommendation;
import io.rollbackguard.api.status.EvaluationState;
import io.rollbackguard.api.status.FindingState;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.Tier;
import io.rollbackguard.verdict.burn.BurnRateOutcome;
import io.rollbackguard.verdict.regression.RegressionOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.TreeSet;

/** Turns an evaluation state into what people read: phase, action, reason, findings. Derived, never stored. */
final class Findings {

  private Findings() {}

  static Verdict verdict(Policy p, EvaluationState s, long now, List<VerdictEvent> events) {
    Recommendation r = s.recommendation;
    Phase phase = phase(p, s, now);
    long observeUntil = observeUntil(p, s);
    Long watchUntil = s.windowClosedAt == null || !p.watch().on() ? null
        : p.watch().lastSampleAt(s.windowClosedAt);
    if (r == null) {
      String reason = s.dismissedLevel > Levels.NONE ? "recommendation dismissed"
          : phase == Phase.Stable && s.windowClosedAt != null ? "passed its window and its watch" : idleReason(phase);
      return new Verdict(phase, Action.None, null, phase.name(), reason, null, null, observeUntil, watchUntil,
          metrics(p, s), findings(p, s), List.copyOf(events));
    }
    String code = r.level() == Levels.NO_DATA ? "NoData" : r.action().name();
    return new Verdict(phase, r.action(), r.tier(), code, r.reason(), r.actionSince(), r.decideBy(), observeUntil,
        watchUntil, metrics(p, s), findings(p, s), List.copyOf(events));
  }

  /**
   * The instant of the window's last sample: where the policy puts it, or the instant the window closed at; while
   * open, never before the next sample (a window shortened below the age reached closes at the next one).
   */
  private static long observeUntil(Policy p, EvaluationState s) {
    long planned = p.observeUntil(s.rolloutStartedAt);
    if (s.windowClosedAt != null) {
      return s.windowClosedAt;
    }
    if (!s.windowOpen()) {
      return s.lastSampleAt >= 0 ? s.lastSampleAt : planned;
    }
    return Math.max(planned, p.nextSampleAt(s));
  }

  private static Phase phase(Policy p, EvaluationState s, long now) {
    if (s.breached) {
      return Phase.Breached;
    }
    if (s.closedAs != null) {
      return s.closedAs;
    }
    return now - s.rolloutStartedAt < p.initialDelayMillis() ? Phase.Pending : Phase.Observing;
  }

  private static String idleReason(Phase phase) {
    switch (phase) {
      case Pending: return "waiting for initialDelay";
      case Stable: return "passed its window";
      case Watching: return "passed its window; watched for late breaches";
      case Inconclusive: return "window closed without enough data";
      default: return "observing";
    }
  }

  /** e.g. "error rate 6.5% > 5% for 1m", "2 pods crash-looping". */
  static String describe(Criterion c, double value) {
    String held = held(c);
    if (!c.condition()) {
      return c.describeBreach(value) + held;
    }
    switch (c.signal()) {
      case Signals.SERVICE_DOWN: return "service down: no available replica" + held;
      case Signals.ROLLOUT_STUCK: return "rollout stuck: progress deadline exceeded" + held;
      default:
        long pods = (long) value;
        return pods + (pods == 1 ? " pod" : " pods") + " of the new revision crash-looping" + held;
    }
  }

  /** The burn-rate criterion's outcome at the latest sample, from its two window signals as observed. */
  static BurnRateOutcome burnOutcome(Criterion c, EvaluationState s) {
    return c.burn().check(reading(s.observed.get(c.burn().longSignal())),
        reading(s.observed.get(c.burn().shortSignal())));
  }

  private static MetricReading reading(Observed r) {
    if (r == null) {
      return null;
    }
    return r.conclusive() ? MetricReading.of(r.value()) : MetricReading.inconclusive(r.reason());
  }

  /** e.g. "error ratio 1.6% over 1h and 2.1% over 5m, above 1.44% (14.4× the budget): error budget burning 16× …". */
  static String describe(Criterion c, BurnRateOutcome outcome) {
    return c.burn().describe(outcome) + held(c);
  }

  /** " for 1m" when the criterion must hold, else "". */
  static String held(Criterion c) {
    return c.holdForMillis() > 0 ? " for " + DurationFormat.format(c.holdForMillis()) : "";
  }

  /** Null when the window had enough data to close Stable, else what was missing. */
  static String lackingData(Policy p, EvaluationState s) {
    return lacking(p.usedMetricSignals(), s.conclusiveSamples, s.samplesTaken, s.countedSamples(), s);
  }

  /** The window's rule over the watch's own samples and the signals its criteria read; null when it saw enough. */
  static String lackingWatchData(Policy p, EvaluationState s) {
    return lacking(p.watchedMetricSignals(), s.watchConclusiveSamples, s.watchSamplesTaken, s.watchSamples(), s);
  }

  /**
   * Every signal conclusive at more than half of the {@code counted} samples and at the last one, and more than half
   * of them (and the last) taken: null when so, else what was missing.
   */
  private static String lacking(java.util.Set<String> signals, java.util.Map<String, Integer> conclusive, int taken,
      long counted, EvaluationState s) {
    StringJoiner lacking = new StringJoiner("; ");
    for (String signal : new TreeSet<>(signals)) {
      int n = conclusive.getOrDefault(signal, 0);
      Observed last = s.observed.get(signal);
      boolean lastOk = last != null && last.conclusive();
      if (n * 2 <= counted || !lastOk) {
        lacking.add(signal + " conclusive at " + n + " of " + counted + " samples"
            + (lastOk ? "" : ", not at the last (" + (last == null ? "no data" : last.reason()) + ")"));
      }
    }
    if (taken * 2L <= counted || !s.lastSampleTaken) {
      lacking.add("the operator took " + taken + " of " + counted + " samples"
          + (s.lastSampleTaken ? "" : ", not the last"));
    }
    return lacking.length() == 0 ? null : lacking.toString();
  }

  private static MetricsStatus metrics(Policy p, EvaluationState s) {
    if (!p.metricsConfigured()) {
      return new MetricsStatus(MetricsStatus.State.NotConfigured, "no Prometheus configured: Kubernetes signals only");
    }
    if (s.observed.isEmpty()) {
      return new MetricsStatus(MetricsStatus.State.Unknown, "no sample taken yet");
    }
    StringJoiner missing = new StringJoiner("; ");
    for (String signal : new TreeSet<>(p.usedMetricSignals())) {
      Observed r = s.observed.get(signal);
      if (r == null || !r.conclusive()) {
        missing.add(signal + ": " + (r == null ? "no data" : r.reason()));
      }
    }
    return missing.length() == 0
        ? new MetricsStatus(MetricsStatus.State.Available, "every used signal had data at the latest sample")
        : new MetricsStatus(MetricsStatus.State.Unavailable, missing.toString());
  }

  private static List<Finding> findings(Policy p, EvaluationState s) {
    List<Finding> out = new ArrayList<>();
    BoundDeclaration d = s.declaration;
    if (d != null && d.revision().equals(s.revision)) {
      Tier tier = Declaration.parse(d.value()).map(Declaration::tier).orElse(null);
      out.add(new Finding(Signals.DECLARATION, tier, FindingState.Declared, null, null, null, d.at(), d.at(),
          "declared " + d.value() + (d.note() == null ? "" : ": " + d.note()), null));
    }
    for (Criterion c : p.criteria()) {
      Fired fired = s.fired.get(c.id());
      Long chain = s.chains.get(c.id());
      if (fired == null && chain == null) {
        continue;
      }
      Observed r;
      Double value;
      String message;
      if (c.regression() != null) {
        EvaluationState.RegressionTrack look = s.regressions.get(c.id());
        r = s.observed.get(c.regression().signal());
        value = look == null ? null : look.change();
        message = look == null ? null : look.message();
      } else if (c.burn() != null) {
        BurnRateOutcome outcome = burnOutcome(c, s);
        r = s.observed.get(c.burn().longSignal());
        value = Double.isNaN(outcome.burnFactor()) ? null : outcome.burnFactor();
        message = describe(c, outcome);
      } else {
        r = s.observed.get(c.signal());
        value = r == null ? null : r.value();
        message = value == null ? describeWithoutValue(c, r) : describe(c, value);
      }
      Double threshold = c.condition() ? null : c.threshold();
      out.add(fired != null
          ? new Finding(c.signal(), c.tier(), FindingState.Fired, value, threshold, c.thresholdText(), fired.since(),
              fired.at(), message, r == null ? null : r.query())
          : new Finding(c.signal(), c.tier(), FindingState.Breaching, value, threshold, c.thresholdText(), chain,
              null, message, r == null ? null : r.query()));
    }
    for (Criterion c : p.criteria()) {
      EvaluationState.RegressionTrack look = c.regression() == null ? null : s.regressions.get(c.id());
      if (look != null && !s.fired.containsKey(c.id()) && !s.chains.containsKey(c.id())
          && RegressionOutcome.State.INCONCLUSIVE.name().equals(look.state())) {
        out.add(new Finding(c.signal(), c.tier(), FindingState.Inconclusive, null, c.threshold(), c.thresholdText(),
            null, null, look.message(), null));
      }
    }
    for (String signal : new TreeSet<>(p.usedMetricSignals())) {
      Observed r = s.observed.get(signal);
      if (r != null && !r.conclusive()) {
        out.add(new Finding(signal, null, FindingState.Inconclusive, r.value(), null, null, null, null,
            Signals.describe(signal) + " inconclusive: " + r.reason(), r.query()));
      }
    }
    return out;
  }

  private static String describeWithoutValue(Criterion c, Observed r) {
    return Signals.describe(c.signal()) + (c.condition() ? "" : (c.above() ? " > " : " < ")
        + Signals.format(c.signal(), c.threshold())) + " (now: " + (r == null ? "no data" : r.reason()) + ")";
  }
}
