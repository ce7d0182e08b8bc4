package io.rollbackguard.verdict;

/** How far a recommendation reaches: latching, escalation and dismissal compare these. */
final class Levels {
  static final int NONE = 0;
  /** A window that closed without enough data: Evaluate, never DisableFeatureFlag. */
  static final int NO_DATA = 1;

  private Levels() {}

  static int of(Tier tier) {
    return tier.ordinal() + 2;
  }

  static Action action(int level, Tier tier, boolean featureFlags) {
    if (level == NO_DATA) {
      return Action.Evaluate;
    }
    switch (tier) {
      case immediate: return Action.RollbackImmediate;
      case rapid: return featureFlags ? Action.DisableFeatureFlag : Action.RollbackRapid;
      default: return featureFlags ? Action.DisableFeatureFlag : Action.Evaluate;
    }
  }
}
