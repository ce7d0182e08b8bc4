package io.rollbackguard.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import java.util.List;

/** One tier's overrides. A criterion named here replaces the default one whole; {disabled: true} switches it off. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TierSpec {
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("Deadline after the tier first fires.")
  public String decideWithin;

  @JsonPropertyDescription("Fraction of failed requests (0..1).")
  public MetricCriterionSpec errorRate;

  @JsonPropertyDescription("95th percentile latency: a duration (2s, 1500ms) or a number of seconds.")
  public MetricCriterionSpec latencyP95;

  @JsonPropertyDescription("Error budget burn over a long and a short window; needs spec.slo. Defaults when slo is"
      + " set: immediate 14.4x over 1h and 5m, rapid 6x over 6h and 30m.")
  public BurnRateCriterionSpec burnRate;

  @JsonPropertyDescription("A regression of a metric signal against its own samples before the rollout (rank test"
      + " and effect-size gate). No default.")
  public RegressionCriterionSpec regression;

  @JsonPropertyDescription("No available replica while replicas > 0.")
  public ConditionCriterionSpec serviceDown;

  @JsonPropertyDescription("Progressing=False with ProgressDeadlineExceeded.")
  public ConditionCriterionSpec rolloutStuck;

  @JsonPropertyDescription("A pod of the new revision in CrashLoopBackOff or with growing restarts.")
  public ConditionCriterionSpec crashLooping;

  @JsonPropertyDescription("Criteria over named signals (signals.custom, or errorRate, latencyP95, requestRate).")
  public List<CustomCriterionSpec> custom;
}
