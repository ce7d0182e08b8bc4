package io.rollbackguard.signals;

import java.util.Map;

/**
 * The parsed query of every metric signal a policy uses, and how they are resolved.
 *
 * @param bySignal signal name to its template (the policy's own, or the default)
 * @param rateWindow what {{window}} expands to
 * @param groupBy the label that splits a grouped result per Deployment
 */
public record MetricQueries(Map<String, QueryTemplate> bySignal, String rateWindow, String groupBy) {
  public MetricQueries {
    bySignal = Map.copyOf(bySignal);
  }
}
