package io.rollbackguard.policy;

import io.rollbackguard.api.spec.BurnRateCriterionSpec;
import io.rollbackguard.api.spec.SloSpec;
import io.rollbackguard.api.spec.TierSpec;
import io.rollbackguard.api.status.Tier;
import io.rollbackguard.policy.PolicyCompiler.Problems;
import io.rollbackguard.verdict.Criterion;
import io.rollbackguard.verdict.burn.BurnRateCriterion;
import io.rollbackguard.verdict.burn.ErrorBudget;
import java.util.List;
import java.util.Map;

/**
 * Merges a tier's {@code burnRate} with its default (DESIGN §1b): the defaults apply only when {@code spec.slo} is
 * set, and a burnRate the policy names needs it.
 */
final class BurnRates {
  private BurnRates() {}

  /** The error budget of {@code spec.slo}, null when there is none (or it has problems, which are reported). */
  static ErrorBudget budget(SloSpec slo, Problems problems) {
    if (slo == null) {
      return null;
    }
    if (slo.objective == null) {
      problems.add("spec.slo.objective", "required: the fraction of requests that must succeed, e.g. 0.999");
      return null;
    }
    if (!(slo.objective > 0 && slo.objective < 1)) {
      problems.add("spec.slo.objective", slo.objective + " is not a fraction between 0 and 1: write 0.999 for 99.9%");
      return null;
    }
    return ErrorBudget.monthly(slo.objective);
  }

  /**
   * Adds the tier's burn-rate criterion, if any, to {@code out}.
   *
   * @param sloSet whether spec.slo is present (a budget may be null because the objective has a problem)
   */
  static void merge(Tier tier, TierSpec t, String path, boolean sloSet, ErrorBudget budget, List<Criterion> out,
      Map<String, String> named, Problems problems) {
    BurnRateCriterionSpec spec = t == null ? null : t.burnRate;
    String cpath = path + ".burnRate";
    if (spec == null) {
      BurnRateCriterion d = BurnRateCriterion.defaultFor(tier).orElse(null);
      if (budget != null && d != null) {
        out.add(Criterion.burnRate(tier, Criterion.Burn.of(d, budget), 0));
      }
      return;
    }
    if (Boolean.TRUE.equals(spec.disabled)) {
      return;
    }
    if (!sloSet) {
      problems.add(cpath, "needs spec.slo.objective: a burn rate is measured against an error budget");
      return;
    }
    boolean ok = true;
    if (spec.factor == null) {
      problems.add(cpath + ".factor", "required (a burnRate named here replaces the default whole), e.g. 14.4");
      ok = false;
    } else if (!(spec.factor > 0) || spec.factor.isInfinite()) {
      problems.add(cpath + ".factor", spec.factor + " is not a positive number of times the budget, e.g. 14.4");
      ok = false;
    }
    long longWindow = window(cpath + ".longWindow", spec.longWindow, problems);
    long shortWindow = window(cpath + ".shortWindow", spec.shortWindow, problems);
    long holdFor = problems.duration(cpath + ".for", spec.holdFor, 0);
    if (longWindow > 0 && shortWindow > 0 && shortWindow >= longWindow) {
      problems.add(cpath + ".shortWindow", spec.shortWindow + " must be shorter than longWindow " + spec.longWindow);
      ok = false;
    }
    if (!ok || longWindow <= 0 || shortWindow <= 0 || holdFor < 0 || budget == null) {
      return;
    }
    Criterion c = Criterion.burnRate(tier, Criterion.Burn.of(new BurnRateCriterion(spec.factor, longWindow,
        shortWindow), budget), holdFor);
    out.add(c);
    named.put(c.id(), cpath + ".for");
  }

  private static long window(String path, String text, Problems problems) {
    if (text == null) {
      problems.add(path, "required (a burnRate named here replaces the default whole), e.g. 1h");
      return -1;
    }
    long millis = problems.duration(path, text, -1);
    if (millis == 0) {
      problems.add(path, "must be longer than 0s");
      return -1;
    }
    return millis;
  }
}
