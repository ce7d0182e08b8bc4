package io.rollbackguard.signals;

import io.rollbackguard.verdict.DurationFormat;
import io.rollbackguard.verdict.burn.BurnWindows;

/**
 * What {{window}} becomes for a signal and a rollout of a given age (DESIGN §1b): {@code rateWindow} for an ordinary
 * signal; for a burn-rate window signal its window capped at the rollout's age (not below {@code rateWindow}), the age
 * first cut down to a whole multiple of the policy's interval.
 *
 * <p>The cut keeps grouping: Deployments of different ages at one grid instant fall into at most
 * ⌈window ÷ interval⌉ + 1 distinct ranges (in practice one per rollout younger than the window, one for all the
 * older ones), and {@link PrometheusSignals} sends them as one request, the ranges joined by {@code or}. Cutting down,
 * never up, keeps each range inside the rollout's own traffic.
 */
public final class BurnRanges {
  private BurnRanges() {}

  /**
   * @param ageMillis the rollout's age at the instant queried; {@code Long.MAX_VALUE} when unknown (the full window)
   */
  public static String range(MetricQueries queries, String signal, long ageMillis) {
    Long window = queries.burnWindows().get(signal);
    if (window == null) {
      return queries.rateWindow();
    }
    long rateWindow = Math.max(0, DurationFormat.parseMillis(queries.rateWindow()));
    long step = Math.max(1000, queries.intervalMillis());
    long age = ageMillis >= window ? window : Math.floorDiv(Math.max(0, ageMillis), step) * step;
    return BurnWindows.promDuration(BurnWindows.capped(window, age, rateWindow));
  }
}
