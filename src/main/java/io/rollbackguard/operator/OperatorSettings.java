package io.rollbackguard.operator;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * How `run` (and `demo`) configure the operator.
 *
 * @param namespaces empty for all namespaces
 * @param prometheusUrl the operator-wide Prometheus, or null (policies without their own are Kubernetes-only)
 * @param prometheusUrlAllow URLs policies may name; null allows any
 * @param port the metrics and health port; 0 for none
 */
public record OperatorSettings(Set<String> namespaces, String prometheusUrl, Pattern prometheusUrlAllow, int port) {
  public OperatorSettings {
    namespaces = namespaces == null ? Set.of() : Set.copyOf(namespaces);
  }
}
