package io.rollbackguard.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class TiersSpec {
  @JsonPropertyDescription("RollbackImmediate: decide within 5m by default.")
  public TierSpec immediate;
  @JsonPropertyDescription("RollbackRapid: decide within 30m by default.")
  public TierSpec rapid;
  @JsonPropertyDescription("Evaluate: no deadline by default.")
  public TierSpec evaluate;
}
