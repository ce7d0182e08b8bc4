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
