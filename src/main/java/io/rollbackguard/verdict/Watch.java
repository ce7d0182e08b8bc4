package io.rollbackguard.verdict;

import io.rollbackguard.api.status.Tier;
import java.util.EnumSet;
import java.util.Set;

/**
 * The watch after a Stable window (DESIGN.md §1b): how long it lasts after the window's close, the grid it samples on
 * (whole multiples of {@code intervalMillis} since the epoch), and the tiers whose criteria still act. Declarations act
 * whatever the tiers.
 *
 * @param forMillis 0 for no watch
 * @param intervalDefaulted whether the policy left {@code watch.interval} out, so that it follows the observation
 *     interval ({@link #DEFAULT_INTERVAL_FACTOR} times it) when a policy test samples at another one
 */
public record Watch(long forMillis, long intervalMillis, Set<Tier> tiers, boolean intervalDefaulted) {
  /** No watch: the revision is trusted once its window closes Stable. */
  public static final Watch OFF = new Watch(0, 0, Set.of());

  /** {@code watch.interval} when the policy names none: this many observation intervals. */
  public static final int DEFAULT_INTERVAL_FACTOR = 4;

  /** The tiers a watch keeps when the policy names none: the two that recommend a rollback. */
  public static final Set<Tier> DEFAULT_TIERS = Set.of(Tier.immediate, Tier.rapid);

  public Watch {
    tiers = tiers.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(tiers));
  }

  /** A watch whose interval the policy names. */
  public Watch(long forMillis, long intervalMillis, Set<Tier> tiers) {
    this(forMillis, intervalMillis, tiers, false);
  }

  /** The same watch under another observation interval: a defaulted watch interval follows it. */
  public Watch atObservationInterval(long observationIntervalMillis) {
    return intervalDefaulted && on()
        ? new Watch(forMillis, DEFAULT_INTERVAL_FACTOR * observationIntervalMillis, tiers, true) : this;
  }

  public boolean on() {
    return forMillis > 0;
  }

  /** Whether criteria of {@code tier} act while the revision is watched. */
  public boolean keeps(Tier tier) {
    return tiers.contains(tier);
  }

  /**
   * Whether {@code c} acts while the revision is watched: a criterion of a tier the watch keeps. A regression's
   * false-alarm budget is spread over its window's looks and its watch's ({@code RegressionLooks}).
   */
  public boolean acts(Criterion c) {
    return keeps(c.tier());
  }

  /** How many samples the watch of a window closed at {@code closedAt} takes: its grid's instants to the last. */
  public int samplesAfter(long closedAt) {
    return on() ? samplesFrom(Policy.gridAtOrAfter(closedAt + 1, intervalMillis), closedAt) : 0;
  }

  /** How many of those are at or after {@code first}, an instant of its grid. */
  public int samplesFrom(long first, long closedAt) {
    return on() ? (int) Math.max(0, (lastSampleAt(closedAt) - first) / intervalMillis + 1) : 0;
  }

  /** The instant of the watch's last sample: the first instant of its grid at or after {@code closedAt + for}. */
  public long lastSampleAt(long closedAt) {
    return Policy.gridAtOrAfter(closedAt + forMillis, intervalMillis);
  }
}
