package io.rollbackguard;

import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.policy.CompiledPolicy;
import io.rollbackguard.policy.PolicyCompiler;
import io.rollbackguard.policy.PolicyYaml;

/** Policies written as the YAML users write, compiled by the production compiler. */
public final class TestingPolicies {
  private TestingPolicies() {}

  /** {@code specBody} is YAML indented as the content of {@code spec:} (two spaces); the selector is added. */
  public static RollbackPolicy manifest(String specBody) {
    String yaml = "apiVersion: rollbackguard.io/v1alpha1\nkind: RollbackPolicy\nmetadata: {name: p, namespace: shop}\n"
        + "spec:\n  selector: {matchLabels: {app: checkout}}\n" + specBody.stripTrailing() + "\n";
    try {
      return PolicyYaml.parse(yaml);
    } catch (PolicyYaml.InvalidManifestException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  public static CompiledPolicy compile(String specBody, boolean metrics) {
    return PolicyCompiler.compile(manifest(specBody).getSpec(), metrics);
  }

  /** A valid policy with metrics configured; fails the test when the policy is invalid. */
  public static io.rollbackguard.verdict.Policy policy(String specBody) {
    return valid(compile(specBody, true));
  }

  public static io.rollbackguard.verdict.Policy kubernetesOnly(String specBody) {
    return valid(compile(specBody, false));
  }

  private static io.rollbackguard.verdict.Policy valid(CompiledPolicy compiled) {
    if (!compiled.valid()) {
      throw new AssertionError("invalid test policy: " + compiled.problemsText());
    }
    return compiled.policy();
  }
}
