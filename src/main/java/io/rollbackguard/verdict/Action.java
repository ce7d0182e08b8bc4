package io.rollbackguard.verdict;

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

  /** The actions that make RollbackRecommended true. */
  public boolean isRollback() {
    return this == RollbackRapid || this == RollbackImmediate;
  }
}
