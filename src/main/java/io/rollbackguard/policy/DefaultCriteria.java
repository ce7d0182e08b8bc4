package io.rollbackguard.policy;

import io.rollbackguard.api.status.Tier;
import io.rollbackguard.verdict.Signals;
import java.util.List;

/** The team's rollback criteria (DESIGN.md §1), which a policy overrides criterion by criterion. */
final class DefaultCriteria {
  /** A default criterion; {@code threshold} is NaN for a Kubernetes condition. */
  record Default(Tier tier, String signal, double threshold, String thresholdText, long holdForMillis) {}

  static final List<Default> ALL = List.of(
      new Default(Tier.immediate, Signals.ERROR_RATE, 0.05, "0.05", 60_000),
      new Default(Tier.immediate, Signals.SERVICE_DOWN, Double.NaN, null, 60_000),
      new Default(Tier.rapid, Signals.ERROR_RATE, 0.01, "0.01", 120_000),
      new Default(Tier.rapid, Signals.LATENCY_P95, 2.0, "2s", 300_000),
      new Default(Tier.rapid, Signals.ROLLOUT_STUCK, Double.NaN, null, 0),
      new Default(Tier.rapid, Signals.CRASH_LOOPING, Double.NaN, null, 0),
      new Default(Tier.evaluate, Signals.LATENCY_P95, 1.0, "1s", 300_000),
      new Default(Tier.evaluate, Signals.ERROR_RATE, 0.001, "0.001", 300_000));

  static final long INITIAL_DELAY_MILLIS = 0;
  static final long WINDOW_MILLIS = 15 * 60_000;
  static final long INTERVAL_MILLIS = 30_000;
  static final long MIN_INTERVAL_MILLIS = 1_000;

  private DefaultCriteria() {}

  static Default find(Tier tier, String signal) {
    for (Default d : ALL) {
      if (d.tier() == tier && d.signal().equals(signal)) {
        return d;
      }
    }
    return null;
  }
}
