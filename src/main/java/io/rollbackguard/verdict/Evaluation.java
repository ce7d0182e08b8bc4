package io.rollbackguard.verdict;

import io.rollbackguard.api.status.EvaluationState;

/** The engine's answer: the state to keep and the verdict to show. */
public record Evaluation(EvaluationState state, Verdict verdict) {}
