package io.rollbackguard.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.TreeMap;

/** How much the current window's decision saw. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SampleCounts {
  public Integer taken;
  public Integer missed;
  public Map<String, Integer> conclusive = new TreeMap<>();

  public SampleCounts() {}

  public SampleCounts(int taken, int missed, Map<String, Integer> conclusive) {
    this.taken = taken;
    this.missed = missed;
    this.conclusive = new TreeMap<>(conclusive);
  }
}
