package io.rollbackguard.alerts;

import io.rollbackguard.policy.PolicyProblem;
import java.util.List;

/**
 * The standing alerting rules of one policy, and the criteria that could not become one (each with its field and
 * why), for a warning line.
 */
public record StandingAlerts(String policy, String namespace, List<RuleGroup> groups, List<PolicyProblem> skipped) {
  public StandingAlerts {
    groups = List.copyOf(groups);
    skipped = List.copyOf(skipped);
  }

  public int ruleCount() {
    return groups.stream().mapToInt(g -> g.rules().size()).sum();
  }
}
