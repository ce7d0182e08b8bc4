package io.rollbackguard.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class FindingStatus {
  public String signal;
  public Tier tier;
  public FindingState state;
  public Double observed;
  public Double threshold;
  public String since;
  public String firedAt;
  /** The sample the observed value comes from. */
  public String observedAt;
  public String message;
  public String query;
}
