package io.rollbackguard.verdict;

/**
 * One enabled criterion of the merged policy.
 *
 * @param id stable within a policy version; keys the breach chain in the evaluation state
 * @param condition true for a Kubernetes condition (serviceDown, rolloutStuck, crashLooping), which has no threshold
 * @param above for a metric criterion: breached when strictly above the threshold, else strictly below
 * @param thresholdText the threshold as the user wrote it, for messages
 * @param holdForMillis how long the breach must hold ({@code for})
 */
public record Criterion(
    String id,
    Tier tier,
    String signal,
    boolean condition,
    boolean above,
    double threshold,
    String thresholdText,
    long holdForMillis) {

  public static Criterion condition(Tier tier, String signal, long holdForMillis) {
    return new Criterion(tier + "/" + signal, tier, signal, true, true, 0, null, holdForMillis);
  }

  public static Criterion metric(String id, Tier tier, String signal, boolean above, double threshold,
      String thresholdText, long holdForMillis) {
    return new Criterion(id, tier, signal, false, above, threshold, thresholdText, holdForMillis);
  }

  boolean isBreachedBy(double value) {
    return above ? value > threshold : value < threshold;
  }

  /** e.g. "error rate 6.5% > 5%". */
  String describeBreach(double value) {
    return Signals.describe(signal) + " " + Signals.format(signal, value) + (above ? " > " : " < ")
        + Signals.format(signal, threshold);
  }
}
