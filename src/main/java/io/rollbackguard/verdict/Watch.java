package io.rollbackguard.verdict;

import java.util.EnumSet;
import java.util.Set;

/**
 * The watch after a Stable window (DESIGN.md §1b): how long it lasts after the window's close, the grid it samples on
 * (whole multiples of {@code intervalMillis} since the epoch), and the tiers whose criteria still act. Declarations act
 * whatever the tiers.
 *
 * @param forMillis 0 for no watch
 */
public record Watch(long forMillis, long intervalMillis, Set<Tier> tiers) {
  /** No watch: the revision is trusted once its window closes Stable. */
  public static final Watch OFF = new Watch(0, 0, Set.of());

  /** The tiers a watch keeps when the policy names none: the two that recommend a rollback. */
  public static final Set<Tier> DEFAULT_TIERS = Set.of(Tier.immediate, Tier.rapid);

  public Watch {
    tiers = tiers.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(tiers));
  }

  public boolean on() {
    return forMillis > 0;
  }

  /** Whether criteria of {@code tier} act while the revision is watched. */
  public boolean keeps(Tier tier) {
    return tiers.contains(tier);
  }

  /**
   * Whether {@code c} acts while the revision is watched: a criterion of a tier the watch keeps, except a regression,
   * whose false-alarm budget is spent over the window's planned looks (FalseAlarmBudget): it cannot fire past them.
   */
  public boolean acts(Criterion c) {
    return keeps(c.tier()) && c.regression() == null;
  }

  /** The instant of the watch's last sample: the first instant of its grid at or after {@code closedAt + for}. */
  public long lastSampleAt(long closedAt) {
    return Policy.gridAtOrAfter(closedAt + forMillis, intervalMillis);
  }
}
