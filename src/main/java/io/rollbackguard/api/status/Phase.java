package io.rollbackguard.api.status;

/** Where a revision stands in its observation window. */
public enum Phase {
  /** Before initialDelay: samples count for nothing. */
  Pending,
  /** The window is open and nothing fired. */
  Observing,
  /** The window closed Stable and the policy's watch still samples the revision, with the tiers it keeps. */
  Watching,
  /**
   * The window closed with nothing fired and enough data: the revision is the new stable one (with a watch, once the
   * watch ended with nothing fired).
   */
  Stable,
  /** A tier fired; stays so for the revision. */
  Breached,
  /** The window closed with nothing fired but not enough data to call it healthy. */
  Inconclusive
}
