package io.rollbackguard.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.watch) || !has(self.watch.interval)"
    + " || duration(self.watch.interval) >= duration(has(self.interval) ? self.interval : '30s')",
    message = "watch.interval must be at least observation.interval")
public class ObservationSpec {
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("Samples before this are ignored (phase Pending). Default 0s.")
  public String initialDelay;

  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("How long each new revision is observed. Default 15m.")
  public String window;

  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("Time between two samples. Default 30s.")
  public String interval;

  @Min(0)
  @JsonPropertyDescription("Requests per second below which errorRate and latencyP95 are inconclusive. Default 0 (off).")
  public Double minRequestRate;

  @JsonPropertyDescription("What a window that closes without enough data recommends. Default Evaluate.")
  public OnNoData onNoData;

  @JsonPropertyDescription("After a Stable window: watch the revision a while longer with some tiers. Default off.")
  public WatchSpec watch;

  public enum OnNoData { Evaluate, Ignore }
}
