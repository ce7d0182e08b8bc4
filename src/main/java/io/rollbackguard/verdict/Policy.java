package io.rollbackguard.verdict;

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
    boolean featureFlags) {

  public Policy {
    criteria = List.copyOf(criteria);
    decideWithinMillis = decideWithinMillis.isEmpty() ? Map.of() : new EnumMap<>(decideWithinMillis);
    usedMetricSignals = Set.copyOf(usedMetricSignals);
  }

  /** Index of the first sample that counts: the first at or after initialDelay. */
  public long firstCountedSample() {
    return ceilDiv(initialDelayMillis, intervalMillis);
  }

  /** Index of the window's last sample: the first at or after the window's length. */
  public long lastSample() {
    return ceilDiv(windowMillis, intervalMillis);
  }

  public long countedSamples() {
    return lastSample() - firstCountedSample() + 1;
  }

  /** The same policy sampled at another interval (policy tests choose their own). */
  public Policy withInterval(long intervalMillis) {
    return new Policy(initialDelayMillis, windowMillis, intervalMillis, minRequestRate, ignoreNoData,
        metricsConfigured, criteria, decideWithinMillis, usedMetricSignals, featureFlags);
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
