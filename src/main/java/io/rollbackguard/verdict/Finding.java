package io.rollbackguard.verdict;

/**
 * One piece of evidence: a criterion that fired or is breaching, a signal without data, a declaration.
 *
 * @param observed the latest value, null when there is none
 * @param since the first breached sample of the chain, or when the declaration was seen
 * @param message one line a person reads
 */
public record Finding(String signal, Tier tier, State state, Double observed, Double threshold, String thresholdText,
    Long since, Long firedAt, String message, String query) {

  public enum State { Fired, Breaching, Inconclusive, Declared }
}
