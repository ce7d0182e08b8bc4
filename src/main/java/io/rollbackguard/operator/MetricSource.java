package io.rollbackguard.operator;

import io.rollbackguard.api.status.EvaluationState;
import io.rollbackguard.verdict.Sampling;

/** Where a verdict's metric readings come from: which instants it can process now, given its window's state. */
@FunctionalInterface
public interface MetricSource {
  Sampling sampling(EvaluationState state, long now);
}
