package io.rollbackguard.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class CustomCriterionSpec extends MetricCriterionSpec {
  @Required
  @JsonPropertyDescription("The signal's name in signals.custom, or errorRate, latencyP95, requestRate.")
  public String signal;
}
