package io.rollbackguard.policy;

/** One thing wrong with a policy: where (a field path such as spec.tiers.rapid.errorRate.above) and what. */
public record PolicyProblem(String path, String message) {
  @Override
  public String toString() {
    return path + ": " + message;
  }
}
