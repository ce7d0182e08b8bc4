package io.rollbackguard.verdict.burn;

import io.rollbackguard.api.status.Tier;
import java.util.Optional;

/**
 * The {@code burnRate} criterion of DESIGN §1b without its tier and {@code for}: breached when the error ratio over
 * both windows exceeds {@code factor × (1 − objective)}.
 *
 * <p>Defaults when {@code spec.slo} is set are the multiwindow, multi-burn-rate pairs of the Google SRE workbook
 * for a 30-day objective (Beyer et al., <i>The Site Reliability Workbook</i>, O'Reilly 2018, ch. 5 "Alerting on
 * SLOs", approach 6, "Multiwindow, Multi-Burn-Rate Alerts"): 14.4 over 1h and 5m (2 % of a month's budget in an hour) in
 * the immediate tier, 6 over 6h and 30m (5 % in six hours) in the rapid tier, none in evaluate.
 */
public record BurnRateCriterion(double factor, long longWindowMillis, long shortWindowMillis) {
  public static final BurnRateCriterion IMMEDIATE_DEFAULT = new BurnRateCriterion(14.4, 3_600_000, 300_000);
  public static final BurnRateCriterion RAPID_DEFAULT = new BurnRateCriterion(6, 21_600_000, 1_800_000);

  public BurnRateCriterion {
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("burnRate factor must be a positive number: " + factor);
    }
    if (shortWindowMillis <= 0 || longWindowMillis <= 0) {
      throw new IllegalArgumentException("burnRate windows must be positive");
    }
    if (shortWindowMillis >= longWindowMillis) {
      throw new IllegalArgumentException("burnRate shortWindow must be shorter than longWindow");
    }
  }

  /** The tier's default when {@code spec.slo} is set; none in evaluate. */
  public static Optional<BurnRateCriterion> defaultFor(Tier tier) {
    return switch (tier) {
      case immediate -> Optional.of(IMMEDIATE_DEFAULT);
      case rapid -> Optional.of(RAPID_DEFAULT);
      case evaluate -> Optional.empty();
    };
  }

  /** The error ratio either window must exceed: {@code factor × (1 − objective)}. */
  public double threshold(ErrorBudget budget) {
    return factor * budget.allowedErrorRatio();
  }
}
