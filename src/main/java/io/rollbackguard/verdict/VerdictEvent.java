package io.rollbackguard.verdict;

/** A transition the verdict made, for the timeline and Kubernetes Events. */
public record VerdictEvent(long at, Type type, String message) {
  public enum Type {
    RollbackRecommended,
    FeatureFlagRecommended,
    EvaluationRecommended,
    Escalated,
    ObservationPassed,
    ObservationInconclusive,
    /** The window closed Stable and the watch began: the revision is not the stable one until it ends. */
    WatchStarted,
    /** The watch ended with nothing fired but too little data: the revision is Stable all the same. */
    WatchInconclusive,
    Declared,
    DeclarationNote,
    DeclarationRemoved,
    DeclarationNotApplied,
    DeclarationUnknown,
    Dismissed,
    DismissIgnored,
    Acknowledged,
    DeadlinePassed
  }
}
