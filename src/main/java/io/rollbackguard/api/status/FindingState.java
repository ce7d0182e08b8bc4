package io.rollbackguard.api.status;

/** What a finding says of its signal: fired, breaching but not fired yet, without data, or declared by a person. */
public enum FindingState { Fired, Breaching, Inconclusive, Declared }
