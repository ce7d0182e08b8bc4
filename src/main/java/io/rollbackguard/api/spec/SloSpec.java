package io.rollbackguard.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** The service level objective that burn-rate criteria spend the error budget of (DESIGN §1b). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SloSpec {
  @Required
  @ValidationRule(value = "self > 0.0 && self < 1.0", message = "objective is a fraction between 0 and 1, e.g. 0.999")
  @JsonPropertyDescription("Fraction of requests that must succeed over 30 days, e.g. 0.999. Its error budget is"
      + " 1 - objective.")
  public Double objective;
}
