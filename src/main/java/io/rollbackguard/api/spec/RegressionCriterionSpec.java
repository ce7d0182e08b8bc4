package io.rollbackguard.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A regression against the baseline (DESIGN §1b): the window's samples of a metric signal against the same signal's
 * samples over {@code baseline} before the rollout, by a rank test and an effect-size gate. No default: a tier has one
 * only when the policy names it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "(has(self.disabled) && self.disabled) || has(self.signal)",
    message = "set signal: the metric signal to compare with its baseline, e.g. latencyP95")
@ValidationRule(value = "!has(self.signal) || !(self.signal in ['serviceDown', 'rolloutStuck', 'crashLooping',"
    + " 'burnRate', 'regression', 'declaration', 'samples'])",
    message = "signal must be a metric signal (errorRate, latencyP95, requestRate or a signals.custom name)")
public class RegressionCriterionSpec {
  @JsonPropertyDescription("The metric signal compared: errorRate, latencyP95, requestRate or a signals.custom name.")
  public String signal;

  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("How far before the rollout the baseline reaches. Default 1h.")
  public String baseline;

  @JsonPropertyDescription("Which way is worse: increase (latency, errors; the default) or decrease (throughput).")
  public Direction direction;

  @Min(1)
  @JsonPropertyDescription("The least change of the means (current / baseline; its inverse for a decrease) that"
      + " counts: the effect-size gate. Default 1.2 (20% worse).")
  public Double allowedChange;

  @Min(value = 0, inclusive = false)
  @Max(value = 1, inclusive = false)
  @JsonPropertyDescription("1 - the probability that a healthy window is flagged at some sample. Default 0.98.")
  public Double confidence;

  @Min(2)
  @JsonPropertyDescription("The least number of samples the test uses on each side; fewer: inconclusive. Default 10.")
  public Integer minSamples;

  @JsonProperty("for")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("How long the breach must hold. Default 0s.")
  public String holdFor;

  @JsonPropertyDescription("Switches the criterion off.")
  public Boolean disabled;

  public enum Direction { increase, decrease }
}
