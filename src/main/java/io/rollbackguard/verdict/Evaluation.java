package io.rollbackguard.verdict;

/** The engine's answer: the state to keep and the verdict to show. */
public record Evaluation(EvaluationState state, Verdict verdict) {}
