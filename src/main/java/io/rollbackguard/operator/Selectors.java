package io.rollbackguard.operator;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes label-selector semantics, for matching Deployments from the informer cache; {@code rollback-guard test}
 * asks the same rule whether the policy would select a test's Deployment.
 */
public final class Selectors {
  private Selectors() {}

  /** An empty or missing selector matches nothing here: policies must name what they guard. */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    Map<String, String> actual = labels == null ? Map.of() : labels;
    Map<String, String> wanted = selector.getMatchLabels();
    List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
    if ((wanted == null || wanted.isEmpty()) && (expressions == null || expressions.isEmpty())) {
      return false;
    }
    if (wanted != null) {
      for (Map.Entry<String, String> e : wanted.entrySet()) {
        if (e.getValue() == null || !e.getValue().equals(actual.get(e.getKey()))) {
          return false;
        }
      }
    }
    if (expressions != null) {
      for (LabelSelectorRequirement r : expressions) {
        if (!matches(r, actual)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean matches(LabelSelectorRequirement r, Map<String, String> labels) {
    if (r == null || r.getKey() == null || r.getOperator() == null) {
      return false; // malformed: the policy is reported invalid; it must not break matching for the others
    }
    String value = labels.get(r.getKey());
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    switch (r.getOperator()) {
      case "In": return value != null && values.contains(value);
      case "NotIn": return value == null || !values.contains(value);
      case "Exists": return value != null;
      case "DoesNotExist": return value == null;
      default: return false;
    }
  }
}
