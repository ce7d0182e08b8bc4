package io.rollbackguard.verdict.burn;

/**
 * What a burn-rate criterion found at a sample: both ratios, the burn factors they mean, and the verdict.
 *
 * @param longRatio the error ratio over the (capped) long window; NaN when inconclusive
 * @param longFactor {@code longRatio ÷ (1 − objective)}; NaN when inconclusive
 * @param burnFactor the factor both windows sustain, the smaller of the two: what the finding headlines; NaN
 *     unless both are conclusive
 * @param threshold {@code factor × (1 − objective)}, the ratio each window must exceed
 * @param reason why it is inconclusive, else null
 */
public record BurnRateOutcome(
    State state,
    double longRatio,
    double shortRatio,
    double longFactor,
    double shortFactor,
    double burnFactor,
    double factor,
    double threshold,
    String reason) {

  public enum State { BREACHED, NOT_BREACHED, INCONCLUSIVE }

  public boolean breached() {
    return state == State.BREACHED;
  }
}
