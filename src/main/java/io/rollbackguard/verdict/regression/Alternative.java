package io.rollbackguard.verdict.regression;

/** The alternative hypothesis about the location of the first sample (current) against the second (baseline). */
public enum Alternative {
  /** The current values are shifted up: R's {@code alternative = "greater"}. */
  GREATER,
  /** The current values are shifted down: R's {@code "less"}. */
  LESS,
  /** Either way: R's {@code "two.sided"}. */
  TWO_SIDED
}
