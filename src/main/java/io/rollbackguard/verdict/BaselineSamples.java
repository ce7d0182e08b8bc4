package io.rollbackguard.verdict;

import java.util.Arrays;

/**
 * A metric signal's samples over the baseline before a rollout (DESIGN §1b): the points of one range query at the
 * policy's interval, oldest first, NaN where Prometheus had none; or why there are none.
 *
 * @param unavailable null when the values are usable, else why not (the query failed, is not fetched yet): the
 *     regression criterion is then inconclusive, never healthy
 */
public record BaselineSamples(double[] values, String unavailable) {

  public BaselineSamples {
    values = values == null ? new double[0] : values.clone();
  }

  public static BaselineSamples of(double... values) {
    return new BaselineSamples(values, null);
  }

  public static BaselineSamples unavailable(String reason) {
    return new BaselineSamples(new double[0], reason);
  }

  @Override
  public double[] values() {
    return values.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BaselineSamples b && Arrays.equals(values, b.values)
        && java.util.Objects.equals(unavailable, b.unavailable);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values) * 31 + java.util.Objects.hashCode(unavailable);
  }

  @Override
  public String toString() {
    return unavailable != null ? "baseline unavailable: " + unavailable : values.length + " baseline samples";
  }
}
