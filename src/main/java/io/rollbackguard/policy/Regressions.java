package io.rollbackguard.policy;

import io.rollbackguard.api.spec.RegressionCriterionSpec;
import io.rollbackguard.api.spec.TierSpec;
import io.rollbackguard.api.status.Tier;
import io.rollbackguard.policy.PolicyCompiler.Problems;
import io.rollbackguard.promql.PrometheusDuration;
import io.rollbackguard.verdict.Criterion;
import io.rollbackguard.verdict.DurationFormat;
import io.rollbackguard.verdict.Signals;
import io.rollbackguard.verdict.regression.Direction;
import io.rollbackguard.verdict.regression.RegressionCriterion;
import io.rollbackguard.verdict.regression.RegressionWindow;
import io.rollbackguard.verdict.regression.SampleSpacing;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a tier's {@code regression} (DESIGN §1b). It has no default. Besides its own fields, what the timing
 * allows:
 * {@code minSamples} used samples must fit in the window and in the baseline (the test uses every
 * ⌈rateWindow ÷ interval⌉-th sample), the window's used samples are kept in the verdict's status (at most
 * {@value #MAX_WINDOW_SAMPLES}), and the baseline is one range query (Prometheus answers at most
 * {@value #MAX_BASELINE_POINTS} points a series).
 */
final class Regressions {
  /** What a verdict keeps of a window for each regression criterion, so that its status stays within 8 KiB. */
  static final int MAX_WINDOW_SAMPLES = RegressionWindow.MAX_KEPT_SAMPLES;
  /** Prometheus refuses a range query of more points a series. */
  static final int MAX_BASELINE_POINTS = 11_000;

  private Regressions() {}

  /** The policy's timing, which bounds what a regression can see. */
  record Timing(long initialDelay, long window, long interval, String rateWindow) {}

  /** Adds the tier's regression criterion, if any and valid, to {@code out}. */
  static void merge(Tier tier, TierSpec t, String path, Set<String> knownSignals, Timing timing,
      List<Criterion> out, Map<String, String> named, Problems problems) {
    RegressionCriterionSpec spec = t == null ? null : t.regression;
    if (spec == null || Boolean.TRUE.equals(spec.disabled)) {
      return;
    }
    String cpath = path + ".regression";
    int before = problems.list.size();
    signal(spec.signal, cpath + ".signal", knownSignals, problems);
    long baseline = problems.duration(cpath + ".baseline", spec.baseline, RegressionCriterion.DEFAULT_BASELINE_MILLIS);
    if (baseline == 0) {
      problems.add(cpath + ".baseline", "must be longer than 0s, e.g. 1h");
    }
    double allowedChange = spec.allowedChange == null ? RegressionCriterion.DEFAULT_ALLOWED_CHANGE
        : spec.allowedChange;
    if (!(allowedChange >= 1) || Double.isInfinite(allowedChange)) {
      problems.add(cpath + ".allowedChange", spec.allowedChange + " is not a factor of at least 1: write 1.2 for 20%"
          + " worse than the baseline");
    }
    double confidence = spec.confidence == null ? RegressionCriterion.DEFAULT_CONFIDENCE : spec.confidence;
    if (!(confidence > 0 && confidence < 1)) {
      problems.add(cpath + ".confidence", spec.confidence + " is not between 0 and 1 (exclusive): write 0.98 for at"
          + " most 2% of healthy windows flagged");
    }
    int minSamples = spec.minSamples == null ? RegressionCriterion.DEFAULT_MIN_SAMPLES : spec.minSamples;
    if (minSamples < 2) {
      problems.add(cpath + ".minSamples", minSamples + " is too few: the rank test needs at least 2 samples a side");
    }
    long holdFor = problems.duration(cpath + ".for", spec.holdFor, 0);
    long rateWindow = rateWindowMillis(timing.rateWindow());
    if (problems.list.size() > before || baseline <= 0 || holdFor < 0 || timing.interval() <= 0 || rateWindow <= 0
        || HoldChecks.longestHold(timing.initialDelay(), timing.window(), timing.interval()) < 0) {
      return;
    }
    int stride = SampleSpacing.stride(timing.interval(), rateWindow);
    fits(cpath, minSamples, baseline, stride, timing, problems);
    if (problems.list.size() > before) {
      return;
    }
    Direction direction = spec.direction == RegressionCriterionSpec.Direction.decrease ? Direction.decrease
        : Direction.increase;
    Criterion c = Criterion.regression(tier, new Criterion.Regression(new RegressionCriterion(spec.signal, baseline,
        direction, allowedChange, confidence, minSamples), rateWindow), holdFor);
    out.add(c);
    named.put(c.id(), cpath + ".for");
  }

  /** -1 when it is not a duration: QueryChecks reports that. */
  private static long rateWindowMillis(String text) {
    try {
      return PrometheusDuration.parseMillis(text);
    } catch (PrometheusDuration.InvalidDurationException e) {
      return -1;
    }
  }

  private static void signal(String signal, String path, Set<String> knownSignals, Problems problems) {
    if (signal == null || signal.isBlank()) {
      problems.add(path, "required: the metric signal to compare with its baseline, e.g. latencyP95");
    } else if (Signals.isKubernetes(signal) || Signals.BURN_RATE.equals(signal) || Signals.REGRESSION.equals(signal)
        || Signals.isWindowSignal(signal)) {
      problems.add(path, "'" + signal + "' is not a metric signal: a regression compares a metric's samples with"
          + " its own before the rollout; use one of " + String.join(", ", knownSignals));
    } else if (!knownSignals.contains(signal)) {
      problems.add(path, "unknown signal '" + signal + "'; known: " + String.join(", ", knownSignals));
    }
  }

  /** minSamples within what the window and the baseline give, and the window's samples within what status keeps. */
  private static void fits(String cpath, int minSamples, long baseline, int stride, Timing timing,
      Problems problems) {
    long counted = (timing.window() - timing.initialDelay()) / timing.interval() + 1;
    long used = SampleSpacing.usedCount(counted, stride);
    String spacing = stride == 1 ? "" : " (one sample in " + stride + ": rateWindow " + timing.rateWindow()
        + " over interval " + DurationFormat.format(timing.interval()) + ")";
    if (minSamples > used) {
      problems.add(cpath + ".minSamples", minSamples + " can never be reached: with window "
          + DurationFormat.format(timing.window()) + ", initialDelay " + DurationFormat.format(timing.initialDelay())
          + " and interval " + DurationFormat.format(timing.interval()) + " the test uses at most " + used
          + " samples" + spacing + "; lower minSamples or lengthen the window");
    }
    long points = baseline / timing.interval();
    long baselineUsed = SampleSpacing.usedCount(points, stride);
    if (points > MAX_BASELINE_POINTS) {
      problems.add(cpath + ".baseline", DurationFormat.format(baseline) + " at interval "
          + DurationFormat.format(timing.interval()) + " is " + points + " points, more than Prometheus answers in one"
          + " range query (" + MAX_BASELINE_POINTS + "); shorten the baseline");
    } else if (minSamples > baselineUsed) {
      problems.add(cpath + ".minSamples", minSamples + " can never be reached in the baseline: "
          + DurationFormat.format(baseline) + " at interval " + DurationFormat.format(timing.interval()) + " gives "
          + baselineUsed + " samples" + spacing + "; lower minSamples or lengthen the baseline");
    }
    if (used > MAX_WINDOW_SAMPLES) {
      problems.add(cpath, "the window gives " + used + " samples to the test" + spacing + ", more than the "
          + MAX_WINDOW_SAMPLES + " a verdict keeps; lengthen the interval or shorten the window");
    }
  }
}
