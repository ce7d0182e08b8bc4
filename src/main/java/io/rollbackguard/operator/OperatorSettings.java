package io.rollbackguard.operator;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How `run` (and `demo`) configure the operator.
 *
 * @param namespaces empty for all namespaces
 * @param prometheusUrl the operator-wide Prometheus, or null (policies without their own are Kubernetes-only)
 * @param prometheusUrlAllow URLs policies may name; null allows any
 * @param port the metrics and health port; 0 for none
 * @param defaultQueries operator-wide queries of the built-in signals, for policies that name none
 */
public record OperatorSettings(Set<String> namespaces, String prometheusUrl, Pattern prometheusUrlAllow, int port,
    Map<String, String> defaultQueries) {
  public OperatorSettings {
    namespaces = namespaces == null ? Set.of() : Set.copyOf(namespaces);
    defaultQueries = defaultQueries == null ? Map.of() : Map.copyOf(defaultQueries);
  }

  public OperatorSettings(Set<String> namespaces, String prometheusUrl, Pattern prometheusUrlAllow, int port) {
    this(namespaces, prometheusUrl, prometheusUrlAllow, port, Map.of());
  }
}
