package io.rollbackguard.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A burn-rate criterion (DESIGN §1b): breached when the error ratio over both windows exceeds
 * {@code factor × (1 − spec.slo.objective)}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "(has(self.disabled) && self.disabled)"
    + " || (has(self.factor) && has(self.longWindow) && has(self.shortWindow))",
    message = "set factor, longWindow and shortWindow (a burnRate named here replaces the default whole)")
@ValidationRule(value = "!has(self.longWindow) || !has(self.shortWindow)"
    + " || duration(self.shortWindow) < duration(self.longWindow)",
    message = "shortWindow must be shorter than longWindow")
public class BurnRateCriterionSpec {
  @io.fabric8.generator.annotation.Min(value = 0, inclusive = false)
  @JsonPropertyDescription("How many times faster than the objective allows the budget is spent, e.g. 14.4.")
  public Double factor;

  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("The long window, e.g. 1h; capped at the rollout's age.")
  public String longWindow;

  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("The short window, e.g. 5m, shorter than longWindow; capped at the rollout's age.")
  public String shortWindow;

  @JsonProperty("for")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("How long the breach must hold. Default 0s.")
  public String holdFor;

  @JsonPropertyDescription("Switches the default criterion off.")
  public Boolean disabled;
}
