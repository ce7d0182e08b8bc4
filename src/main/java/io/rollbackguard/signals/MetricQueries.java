package io.rollbackguard.signals;

import java.util.Map;

/**
 * The parsed query of every metric signal a policy uses, and how they are resolved.
 *
 * @param bySignal signal name to its template (the policy's own, or the default); a burn-rate window signal
 *     ({@code errorRate@1h}) has the errorRate template
 * @param rateWindow what {{window}} expands to
 * @param groupBy the label that splits a grouped result per Deployment
 * @param burnWindows a burn-rate window signal to its configured window (ms): its {{window}} is that window capped at
 *     each rollout's age ({@link BurnRanges})
 * @param intervalMillis the policy's interval: capped windows are whole multiples of it
 */
public record MetricQueries(Map<String, QueryTemplate> bySignal, String rateWindow, String groupBy,
    Map<String, Long> burnWindows, long intervalMillis) {
  public MetricQueries {
    bySignal = Map.copyOf(bySignal);
    burnWindows = Map.copyOf(burnWindows);
  }

  /** Queries without burn-rate windows. */
  public MetricQueries(Map<String, QueryTemplate> bySignal, String rateWindow, String groupBy) {
    this(bySignal, rateWindow, groupBy, Map.of(), 0);
  }
}
