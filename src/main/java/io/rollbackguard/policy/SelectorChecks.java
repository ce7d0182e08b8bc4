package io.rollbackguard.policy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.rollbackguard.policy.PolicyCompiler.Problems;
import java.util.List;
import java.util.Map;

/**
 * The policy's label selector, checked as the API server checks one when it lists Deployments with it
 * (k8s.io/apimachinery/pkg/apis/meta/v1/validation.ValidateLabelSelector): label keys and values, and each
 * operator with the values it needs. The operator matches Deployments from its cache, where a malformed selector
 * would silently match nothing; here it makes the policy invalid instead.
 */
final class SelectorChecks {
  private static final String OPERATORS = "In, NotIn, Exists or DoesNotExist";

  private SelectorChecks() {}

  static void check(LabelSelector selector, Problems problems) {
    if (selector == null) {
      problems.add("spec.selector", "required: a label selector over Deployments in the policy's namespace");
      return;
    }
    Map<String, String> labels = selector.getMatchLabels();
    List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
    if ((labels == null || labels.isEmpty()) && (expressions == null || expressions.isEmpty())) {
      problems.add("spec.selector", "selects every Deployment in the namespace; name matchLabels or matchExpressions");
      return;
    }
    if (labels != null) {
      labels.forEach((key, value) -> matchLabel(key, value, problems));
    }
    for (int i = 0; expressions != null && i < expressions.size(); i++) {
      requirement(expressions.get(i), "spec.selector.matchExpressions[" + i + "]", problems);
    }
  }

  private static void matchLabel(String key, String value, Problems problems) {
    String path = "spec.selector.matchLabels." + key;
    problems.addIfAny(path, KubernetesNames.labelKey(key));
    problems.addIfAny(path, value == null ? "a label value is required (write '' for an empty one)"
        : KubernetesNames.labelValue(value));
  }

  /** ValidateLabelSelectorRequirement. */
  private static void requirement(LabelSelectorRequirement r, String path, Problems problems) {
    if (r == null) {
      problems.add(path, "required: {key, operator, values}");
      return;
    }
    if (r.getKey() == null || r.getKey().isEmpty()) {
      problems.add(path + ".key", "required");
    } else {
      problems.addIfAny(path + ".key", KubernetesNames.labelKey(r.getKey()));
    }
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    String operator = r.getOperator();
    if (operator == null || operator.isEmpty()) {
      problems.add(path + ".operator", "required: " + OPERATORS);
    } else if (operator.equals("In") || operator.equals("NotIn")) {
      if (values.isEmpty()) {
        problems.add(path + ".values", "required when the operator is " + operator + ": name at least one value");
      }
    } else if (operator.equals("Exists") || operator.equals("DoesNotExist")) {
      if (!values.isEmpty()) {
        problems.add(path + ".values", "must be empty when the operator is " + operator);
      }
    } else {
      boolean caseOnly = List.of("In", "NotIn", "Exists", "DoesNotExist").stream()
          .anyMatch(operator::equalsIgnoreCase);
      problems.add(path + ".operator", "'" + operator + "' is not an operator: use " + OPERATORS
          + (caseOnly ? " (operators are case-sensitive)" : ""));
    }
    for (int j = 0; j < values.size(); j++) {
      String value = values.get(j);
      problems.addIfAny(path + ".values[" + j + "]", value == null
          ? "a label value is required (write '' for an empty one)" : KubernetesNames.labelValue(value));
    }
  }
}
