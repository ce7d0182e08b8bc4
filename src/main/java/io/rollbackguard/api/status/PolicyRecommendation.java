package io.rollbackguard.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One target's recommendation as the policy summary lists it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PolicyRecommendation {
  public String deployment;
  public Long revision;
  public Action action;
  public Tier tier;
  public String decideBy;
  public String reason;
  @JsonPropertyDescription("As in the RolloutVerdict; past the size budget, a pointer to it.")
  public Procedure procedure;
}
