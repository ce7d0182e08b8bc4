package io.rollbackguard.verdict;

import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.Tier;

/** How far a recommendation reaches: latching, escalation and dismissal compare these. */
final class Levels {
  static final int NONE = 0;
  /** A window that closed without enough data: Evaluate, never DisableFeatureFlag. */
  static final int NO_DATA = 1;

  private Levels() {}

  static int of(Tier tier) {
    return tier.ordinal() + 2;
  }

  /**
   * The action of what fired: a tier's own action, or DisableFeatureFlag for a rapid or evaluate tier fired by a
   * metric criterion or a declaration when the policy lists feature flags. A Kubernetes criterion keeps the tier's
   * action: no flag restarts pods that do not start.
   *
   * @param tier null for missing data
   * @param kubernetes whether what fired is a Kubernetes criterion (crashLooping, rolloutStuck, serviceDown)
   */
  static Action action(Tier tier, boolean featureFlags, boolean kubernetes) {
    if (tier == null) {
      return Action.Evaluate;
    }
    Action own = Action.of(tier);
    return featureFlags && !kubernetes && tier != Tier.immediate ? Action.DisableFeatureFlag : own;
  }
}
