package io.rollbackguard.verdict.burn;

/**
 * The windows a burn-rate criterion actually queries. Each is capped at the rollout's age, so that a revision is
 * judged on its own traffic rather than the errors of the revision before it, but not below {@code rateWindow}
 * (a rate needs that much history). Ages are cut to whole seconds, the resolution a PromQL range gets here.
 */
public final class BurnWindows {
  private BurnWindows() {}

  /** max(rateWindow, min(window, age)), in milliseconds, whole seconds. */
  public static long capped(long windowMillis, long ageMillis, long rateWindowMillis) {
    long cap = Math.min(windowMillis, Math.max(0, ageMillis) / 1000 * 1000);
    return Math.max(rateWindowMillis, cap);
  }

  /**
   * The name of a window's ratio as its own used signal, and its series name in {@code rollback-guard test}:
   * {@code errorRate@1h}, {@code errorRate@5m}. Named after the configured window, not the capped one, so that it
   * stays the same signal as the rollout ages.
   */
  public static String signalName(String errorSignal, long windowMillis) {
    return errorSignal + "@" + promDuration(windowMillis);
  }

  /** A PromQL duration: the largest unit that divides it, 1h, 5m, 1740s, 1500ms. */
  public static String promDuration(long millis) {
    if (millis <= 0) {
      throw new IllegalArgumentException("a range must be positive: " + millis + "ms");
    }
    if (millis % 3_600_000 == 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis % 60_000 == 0) {
      return millis / 60_000 + "m";
    }
    if (millis % 1000 == 0) {
      return millis / 1000 + "s";
    }
    return millis + "ms";
  }
}
