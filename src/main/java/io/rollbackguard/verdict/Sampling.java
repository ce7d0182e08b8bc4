package io.rollbackguard.verdict;

import java.util.Map;

/**
 * Which grid instants an evaluation may process, and the metric readings known for them.
 *
 * <p>Prometheus keeps history, so readings for instants the operator missed (it was down, or changing leader) can be
 * taken late, with the query's {@code time=} set to the instant; Kubernetes facts cannot.
 *
 * @param upTo process the due grid instants at or before this time (never after the evaluation's {@code now})
 * @param metricsAt grid instant to its readings (signal name to reading); an instant absent here had its metrics
 *     missed, a used signal absent from an instant's readings had no data
 * @param baselines per metric signal a regression criterion reads: its samples before the rollout; a signal absent
 *     here has no baseline (yet), and its regression criteria are inconclusive
 */
public record Sampling(long upTo, Map<Long, Map<String, MetricReading>> metricsAt,
    Map<String, BaselineSamples> baselines) {

  public Sampling {
    metricsAt = metricsAt == null ? Map.of() : Map.copyOf(metricsAt);
    baselines = baselines == null ? Map.of() : Map.copyOf(baselines);
  }

  public Sampling(long upTo, Map<Long, Map<String, MetricReading>> metricsAt) {
    this(upTo, metricsAt, Map.of());
  }

  /** The readings taken at {@code instant}, or null when there are none (the instant's metrics were missed). */
  Map<String, MetricReading> metricsAt(long instant) {
    return metricsAt.get(instant);
  }

  /** The same instants with the baselines given. */
  public Sampling withBaselines(Map<String, BaselineSamples> baselines) {
    return new Sampling(upTo, metricsAt, baselines);
  }
}
