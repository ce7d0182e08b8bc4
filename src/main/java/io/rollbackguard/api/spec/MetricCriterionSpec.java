package io.rollbackguard.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.kubernetes.api.model.AnyType;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** A threshold on a metric signal: breached when the value is strictly above / below it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!(has(self.above) && has(self.below))", message = "set above or below, not both")
public class MetricCriterionSpec {
  @SchemaFrom(type = AnyType.class)
  @JsonPropertyDescription("Breached when the value is strictly above this.")
  public Threshold above;

  @SchemaFrom(type = AnyType.class)
  @JsonPropertyDescription("Breached when the value is strictly below this.")
  public Threshold below;

  @JsonProperty("for")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("How long the breach must hold. Default 0s.")
  public String holdFor;

  @JsonPropertyDescription("Switches the default criterion off.")
  public Boolean disabled;
}
