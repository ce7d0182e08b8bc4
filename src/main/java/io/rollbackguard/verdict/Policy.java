package io.rollbackguard.verdict;

import io.rollbackguard.api.status.EvaluationState;
import io.rollbackguard.api.status.Tier;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The merged policy (defaults plus overrides) as the verdict reads it: plain values, no Kubernetes types.
 *
 * @param metricsConfigured false for a Kubernetes-only policy: no Prometheus anywhere
 * @param criteria the enabled criteria; metric ones only when metrics are configured
 * @param decideWithinMillis per tier, absent for no deadline
 * @param usedMetricSignals the metric signals whose conclusiveness decides whether a window closes Stable
 * @param featureFlags non-empty turns rapid and evaluate into DisableFeatureFlag
 * @param watch what follows a Stable window; {@link Watch#OFF} for nothing
 */
public record Policy(
    long initialDelayMillis,
    long windowMillis,
    long intervalMillis,
    double minRequestRate,
    boolean ignoreNoData,
    boolean metricsConfigured,
    List<Criterion> criteria,
    Map<Tier, Long> decideWithinMillis,
    Set<String> usedMetricSignals,
    boolean featureFlags,
    Watch watch) {

  public Policy {
    watch = watch == null ? Watch.OFF : watch;
    criteria = List.copyOf(criteria);
    decideWithinMillis = decideWithinMillis.isEmpty() ? Map.of() : new EnumMap<>(decideWithinMillis);
    usedMetricSignals = Set.copyOf(usedMetricSignals);
  }

  /** The smallest grid instant (a whole multiple of {@code intervalMillis} since the epoch) at or after {@code t}. */
  public static long gridAtOrAfter(long t, long intervalMillis) {
    return -Math.floorDiv(-t, intervalMillis) * intervalMillis;
  }

  /** The latest grid instant at or before {@code t}. */
  public static long gridAtOrBefore(long t, long intervalMillis) {
    return Math.floorDiv(t, intervalMillis) * intervalMillis;
  }

  /**
   * The next grid instant to process for {@code s} while its window is open (or its watch samples): the first instant
   * of the grid after the last one processed, and not before the rollout started. A sample is due when this is at or
   * before now.
   */
  public long nextSampleAt(EvaluationState s) {
    long after = s.watching() ? Math.max(s.lastSampleAt, s.windowClosedAt) + 1
        : Math.max(s.lastSampleAt + 1, s.rolloutStartedAt);
    return gridAtOrAfter(after, samplingInterval(s));
  }

  /** The grid {@code s} is sampled on: this policy's interval in the window, the watch's while watched. */
  public long samplingInterval(EvaluationState s) {
    return s.watching() && watch.on() ? watch.intervalMillis() : intervalMillis;
  }

  /** The instant of the window's last sample for a rollout started then: the first grid instant aged window or more. */
  public long observeUntil(long rolloutStartedAt) {
    return gridAtOrAfter(rolloutStartedAt + windowMillis, intervalMillis);
  }

  /**
   * Whether a sample of this age counts: samples younger than initialDelay are ignored, except the window's last (an
   * initialDelay at or past the window is rejected by validation, but must not keep a window open for ever).
   */
  boolean counts(long ageMillis) {
    return ageMillis >= initialDelayMillis || closes(ageMillis);
  }

  /** Whether a sample of this age is the window's last: the first one aged window or more closes it. */
  boolean closes(long ageMillis) {
    return ageMillis >= windowMillis;
  }

  /**
   * Per metric signal a regression criterion reads: the longest baseline its criteria need (ms), what the operator
   * fetches once per rollout.
   */
  public Map<String, Long> regressionBaselines() {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (Criterion c : criteria) {
      if (c.regression() != null) {
        out.merge(c.regression().signal(), c.regression().test().baselineMillis(), Math::max);
      }
    }
    return out;
  }

  /** The same policy sampled at another interval (policy tests choose their own). */
  public Policy withInterval(long intervalMillis) {
    return new Policy(initialDelayMillis, windowMillis, intervalMillis, minRequestRate, ignoreNoData,
        metricsConfigured, criteria, decideWithinMillis, usedMetricSignals, featureFlags,
        watch.atObservationInterval(intervalMillis));
  }

  /**
   * The used metric signals that a watched revision's criteria read (with the traffic guard when it is on): what its
   * watch's no-data rule counts. A signal only an unwatched tier reads says nothing about the watch.
   */
  public Set<String> watchedMetricSignals() {
    Set<String> read = new java.util.TreeSet<>();
    for (Criterion c : criteria) {
      if (!watch.acts(c) || c.condition()) {
        continue;
      }
      if (c.burn() != null) {
        read.add(c.burn().longSignal());
        read.add(c.burn().shortSignal());
      } else {
        read.add(c.metricSignal()); // a regression's is the signal it compares
      }
    }
    if (!read.isEmpty() && usedMetricSignals.contains(Signals.REQUEST_RATE)) {
      read.add(Signals.REQUEST_RATE);
    }
    read.retainAll(usedMetricSignals);
    return read;
  }
}
