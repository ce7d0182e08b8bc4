package io.rollbackguard.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** The watch after a Stable window: bad releases that show late (a leak, a nightly job, the morning's traffic). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WatchSpec {
  @JsonProperty("for")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("How long a revision whose window closed Stable stays watched (phase Watching) before it"
      + " becomes the stable revision. Default 0s: no watch.")
  public String watchFor;

  @Pattern(Durations.PATTERN)
  @ValidationRule(value = "duration(self) > duration('0s')", message = "watch.interval must be longer than 0s")
  @JsonPropertyDescription("Time between two samples of the watch, on its own grid (multiples of it since the epoch)."
      + " At least observation.interval. Default 4 × observation.interval.")
  public String interval;

  @ValidationRule(value = "self.size() > 0", message = "watch.tiers must list at least one tier")
  @JsonPropertyDescription("The tiers whose criteria still act while watched (declarations always do). Default"
      + " [immediate, rapid].")
  public List<Tier> tiers;

  /** The API's tier names. */
  public enum Tier { immediate, rapid, evaluate }
}
