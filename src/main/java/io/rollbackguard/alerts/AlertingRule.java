package io.rollbackguard.alerts;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One alerting rule of a Prometheus rule group.
 *
 * @param alert a valid metric name, the same for the same signal in every tier (the {@code severity} label tells them
 *     apart, as Prometheus practice has it)
 * @param forMillis 0 for none: the rule fires at the first evaluation that matches
 */
public record AlertingRule(String alert, String expr, long forMillis, Map<String, String> labels,
    Map<String, String> annotations) {
  public AlertingRule {
    labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    annotations = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
  }
}
