package io.rollbackguard.alerts;

import java.util.List;

/** A Prometheus rule group: its name is unique within a rule file, and stable for a policy. */
public record RuleGroup(String name, List<AlertingRule> rules) {
  public RuleGroup {
    rules = List.copyOf(rules);
  }
}
