package io.rollbackguard.api.status;

/** The tiers of the team's rollback criteria, in increasing severity. Names are the API's. */
public enum Tier {
  evaluate(null),
  rapid(java.time.Duration.ofMinutes(30)),
  immediate(java.time.Duration.ofMinutes(5));

  private final java.time.Duration defaultDecideWithin;

  Tier(java.time.Duration defaultDecideWithin) {
    this.defaultDecideWithin = defaultDecideWithin;
  }

  /** The deadline after firing when the policy names none; null for no deadline. */
  public java.time.Duration defaultDecideWithin() {
    return defaultDecideWithin;
  }
}
