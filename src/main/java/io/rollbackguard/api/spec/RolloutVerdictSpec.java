package io.rollbackguard.api.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Written by the operator, never by people. */
public class RolloutVerdictSpec {
  @JsonPropertyDescription("The Deployment this verdict is about (same name and namespace).")
  public String deployment;

  @JsonPropertyDescription("The RollbackPolicy guarding it.")
  public String policy;

  public RolloutVerdictSpec() {}

  public RolloutVerdictSpec(String deployment, String policy) {
    this.deployment = deployment;
    this.policy = policy;
  }
}
