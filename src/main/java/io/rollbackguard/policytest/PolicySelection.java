package io.rollbackguard.policytest;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.rollbackguard.operator.Selectors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether the policy would select a test's Deployment, by the operator's own selector rule ({@link Selectors}), and
 * the labels a test that gives none is given: a test judges only what the policy would see.
 */
final class PolicySelection {
  /** The value given for a label the selector only needs to exist. */
  static final String EXISTS_VALUE = "true";

  private PolicySelection() {}

  static boolean selects(LabelSelector selector, Map<String, String> labels) {
    return Selectors.matches(selector, labels);
  }

  /**
   * Labels that satisfy {@code selector}: its matchLabels, the first value of each {@code In}, {@value #EXISTS_VALUE}
   * for {@code Exists} ({@code NotIn} and {@code DoesNotExist} are satisfied by leaving the label out). Null when
   * those do not satisfy it (say {@code In} and {@code NotIn} on the same values): the test must give labels.
   */
  static Map<String, String> satisfying(LabelSelector selector) {
    if (selector == null) {
      return null;
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (selector.getMatchLabels() != null) {
      labels.putAll(selector.getMatchLabels());
    }
    for (LabelSelectorRequirement r : expressions(selector)) {
      if (r == null || r.getKey() == null || r.getOperator() == null) {
        continue;
      }
      if (r.getOperator().equals("In") && r.getValues() != null && !r.getValues().isEmpty()) {
        labels.putIfAbsent(r.getKey(), r.getValues().get(0));
      } else if (r.getOperator().equals("Exists")) {
        labels.putIfAbsent(r.getKey(), EXISTS_VALUE);
      }
    }
    return selects(selector, labels) ? labels : null;
  }

  /** The selector as a person reads it: {@code app=checkout, tier in (web, api), !canary}. */
  static String describe(LabelSelector selector) {
    if (selector == null) {
      return "none";
    }
    List<String> parts = new ArrayList<>();
    if (selector.getMatchLabels() != null) {
      selector.getMatchLabels().forEach((k, v) -> parts.add(k + "=" + v));
    }
    for (LabelSelectorRequirement r : expressions(selector)) {
      if (r == null) {
        continue;
      }
      String values = r.getValues() == null ? "" : String.join(", ", r.getValues());
      switch (String.valueOf(r.getOperator())) {
        case "In" -> parts.add(r.getKey() + " in (" + values + ")");
        case "NotIn" -> parts.add(r.getKey() + " notin (" + values + ")");
        case "Exists" -> parts.add(r.getKey());
        case "DoesNotExist" -> parts.add("!" + r.getKey());
        default -> parts.add(r.getKey() + " " + r.getOperator() + " (" + values + ")");
      }
    }
    return String.join(", ", parts);
  }

  private static List<LabelSelectorRequirement> expressions(LabelSelector selector) {
    return selector.getMatchExpressions() == null ? List.of() : selector.getMatchExpressions();
  }
}
