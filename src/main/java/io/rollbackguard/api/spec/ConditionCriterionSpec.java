package io.rollbackguard.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** A criterion on a Kubernetes condition: it is either true or not at each sample. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConditionCriterionSpec {
  @JsonProperty("for")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("How long the breach must hold. Default 0s.")
  public String holdFor;

  @JsonPropertyDescription("Switches the default criterion off.")
  public Boolean disabled;
}
