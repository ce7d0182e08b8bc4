package io.rollbackguard.policy;

import io.rollbackguard.api.spec.MetricCriterionSpec;
import io.rollbackguard.api.spec.Threshold;
import io.rollbackguard.api.status.Tier;
import io.rollbackguard.policy.PolicyCompiler.Problems;
import io.rollbackguard.verdict.Criterion;
import io.rollbackguard.verdict.DurationFormat;
import io.rollbackguard.verdict.Signals;

/** Reads a metric criterion's threshold in the unit of its signal: a fraction, seconds, or a plain number. */
final class Thresholds {
  private Thresholds() {}

  /** The criterion, or null when it has problems (which are reported). */
  static Criterion metric(String id, Tier tier, String signal, MetricCriterionSpec spec, String path,
      Problems problems) {
    boolean above = spec.above != null;
    if (above == (spec.below != null)) {
      problems.add(path, above ? "set above or below, not both" : "set above or below (or disabled: true)");
      return null;
    }
    Threshold written = above ? spec.above : spec.below;
    String thresholdPath = path + (above ? ".above" : ".below");
    double value = value(signal, written, thresholdPath, problems);
    long holdFor = problems.duration(path + ".for", spec.holdFor, 0);
    if (Double.isNaN(value) || holdFor < 0) {
      return null;
    }
    return Criterion.metric(id, tier, signal, above, value, written.toString(), holdFor);
  }

  private static double value(String signal, Threshold t, String path, Problems problems) {
    if (Signals.LATENCY_P95.equals(signal)) {
      if (t.isNumber() && t.written().asDouble() >= 0) {
        return t.written().asDouble();
      }
      String text = t.isText() ? t.written().textValue() : null;
      long millis = text != null ? DurationFormat.parseMillis(text) : -1;
      if (millis >= 0 && !DurationChecks.outOfRange(text)) {
        return millis / 1000.0;
      }
      problems.add(path, text != null && DurationChecks.outOfRange(text) ? DurationChecks.apiProblem(text)
          : "'" + t + "' is not a latency (a duration such as 2s or 1500ms, or a number of seconds)");
      return Double.NaN;
    }
    if (!t.isNumber() || !Double.isFinite(t.written().asDouble())) {
      problems.add(path, "'" + t + "' is not a number");
      return Double.NaN;
    }
    double v = t.written().asDouble();
    if (Signals.ERROR_RATE.equals(signal) && (v < 0 || v > 1)) {
      problems.add(path, v + " is out of range: an error rate is a fraction from 0 to 1 (0.05 is 5%)");
      return Double.NaN;
    }
    if (Signals.REQUEST_RATE.equals(signal) && v < 0) {
      problems.add(path, v + " is out of range: a request rate is 0 or more");
      return Double.NaN;
    }
    return v;
  }
}
