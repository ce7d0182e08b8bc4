package io.rollbackguard.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.rollbackguard.api.RollbackPolicy;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Which policy guards a Deployment: of the policies in its namespace whose selector matches its labels, the oldest
 * (creation time, then name). The other matching policies list it under {@code conflicts}. One rule, asked by both
 * reconcilers, so they never disagree about who owns a verdict.
 */
final class Guardianship {
  static final Comparator<RollbackPolicy> SENIORITY = Comparator
      .comparing((RollbackPolicy p) -> p.getMetadata().getCreationTimestamp() == null ? ""
          : p.getMetadata().getCreationTimestamp())
      .thenComparing(p -> p.getMetadata().getName());

  private Guardianship() {}

  static boolean selects(RollbackPolicy policy, Map<String, String> labels) {
    return policy.getSpec() != null && policy.getMetadata().getDeletionTimestamp() == null
        && Selectors.matches(policy.getSpec().selector, labels);
  }

  static Optional<RollbackPolicy> guardian(HasMetadata deployment, Stream<RollbackPolicy> policiesInNamespace) {
    Map<String, String> labels = deployment.getMetadata().getLabels();
    return policiesInNamespace.filter(p -> selects(p, labels)).min(SENIORITY);
  }
}
