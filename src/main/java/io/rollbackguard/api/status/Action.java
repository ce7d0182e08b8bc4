package io.rollbackguard.api.status;

/** The recommended action, in increasing severity: a later constant outranks an earlier one. */
public enum Action {
  None,
  Evaluate,
  DisableFeatureFlag,
  RollbackRapid,
  RollbackImmediate;

  public boolean outranks(Action other) {
    return compareTo(other) > 0;
  }

  /** A tier's own action, without feature flags. */
  public static Action of(Tier tier) {
    switch (tier) {
      case immediate: return RollbackImmediate;
      case rapid: return RollbackRapid;
      default: return Evaluate;
    }
  }

  /**
   * Whether this action, recommended by a policy that lists feature flags, leaves them out: with flags listed a rapid
   * or evaluate tier gives RollbackRapid or Evaluate only when a Kubernetes criterion fired it, and Evaluate with no
   * tier comes from missing data. RollbackImmediate is not one: it disables the flags first and rolls back regardless.
   */
  public boolean withholdsFeatureFlags() {
    return this == RollbackRapid || this == Evaluate;
  }

  /** The actions that make RollbackRecommended true. */
  public boolean isRollback() {
    return this == RollbackRapid || this == RollbackImmediate;
  }
}
