package io.rollbackguard.verdict;

import io.rollbackguard.api.status.FindingState;
import io.rollbackguard.api.status.Tier;

/**
 * One piece of evidence: a criterion that fired or is breaching, a signal without data, a declaration.
 *
 * @param observed the latest value, null when there is none
 * @param since the first breached sample of the chain, or when the declaration was seen
 * @param message one line a person reads
 */
public record Finding(String signal, Tier tier, FindingState state, Double observed, Double threshold,
    String thresholdText, Long since, Long firedAt, String message, String query) {}
