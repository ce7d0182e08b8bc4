package io.rollbackguard.policytest;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.api.spec.RolloutVerdictSpec;
import io.rollbackguard.policytest.PolicyTestFile.Deployment;
import java.util.Map;
import java.util.Objects;

/**
 * The RolloutVerdict a simulated test ends with, as {@code kubectl get rv NAME -o yaml} shows the operator's: the
 * metadata the operator gives it (the Deployment's name and namespace, the policy label), and the status it records.
 * {@code runbook --from-file} and {@code postmortem --from-file} read it as they read a saved verdict.
 */
public final class VerdictDocument {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private VerdictDocument() {}

  public static RolloutVerdict of(PolicyTestFile file, PolicyTestRunner.Simulation simulation) {
    Objects.requireNonNull(simulation.status(), "simulate with the status");
    Deployment d = simulation.test().deployment();
    String policy = file.policy().getMetadata().getName();
    RolloutVerdict v = new RolloutVerdict();
    v.getMetadata().setName(d.name());
    v.getMetadata().setNamespace(d.namespace());
    if (policy != null) {
      v.getMetadata().setLabels(Map.of(RolloutVerdict.POLICY_LABEL, policy));
    }
    v.setSpec(new RolloutVerdictSpec(d.name(), policy));
    v.setStatus(simulation.status());
    return v;
  }

  public static String yaml(PolicyTestFile file, PolicyTestRunner.Simulation simulation) {
    return SERIALIZATION.asYaml(of(file, simulation));
  }
}
