package io.rollbackguard.policy;

import io.rollbackguard.api.spec.WatchSpec;
import io.rollbackguard.api.status.Tier;
import io.rollbackguard.policy.PolicyCompiler.Problems;
import io.rollbackguard.verdict.DurationFormat;
import io.rollbackguard.verdict.Watch;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** {@code spec.observation.watch}: its durations, its grid against the window's, and its tiers. */
final class WatchChecks {
  private static final String PATH = "spec.observation.watch";

  private WatchChecks() {}

  /**
   * The watch the policy asks for, {@link Watch#OFF} when none (or when it is invalid: the problems say why).
   *
   * @param interval the observation interval, -1 when it is invalid itself
   */
  static Watch watch(WatchSpec spec, long interval, Problems problems, List<PolicyProblem> warnings) {
    if (spec == null) {
      return Watch.OFF;
    }
    long watchFor = problems.duration(PATH + ".for", spec.watchFor, 0);
    long fallback = interval > 0 ? Watch.DEFAULT_INTERVAL_FACTOR * interval : -1;
    long watchInterval = problems.duration(PATH + ".interval", spec.interval, fallback);
    boolean valid = watchFor >= 0 && watchInterval > 0;
    if (spec.interval != null && watchInterval == 0) {
      problems.add(PATH + ".interval", "must be longer than 0s");
    } else if (spec.interval != null && watchInterval > 0 && interval > 0) {
      if (watchInterval < interval) {
        problems.add(PATH + ".interval", DurationFormat.format(watchInterval) + " is shorter than"
            + " observation.interval (" + DurationFormat.format(interval) + "): a watch samples no more often than"
            + " the window");
        valid = false;
      } else if (watchInterval % interval != 0) {
        warnings.add(new PolicyProblem(PATH + ".interval", DurationFormat.format(watchInterval) + " is not a multiple"
            + " of observation.interval (" + DurationFormat.format(interval) + "): watch samples then fall between"
            + " the window's and cost queries of their own"));
      }
    }
    Set<Tier> tiers = tiers(spec.tiers, problems);
    if (tiers == null) {
      valid = false;
    }
    if (watchFor == 0 && (spec.interval != null || spec.tiers != null)) {
      warnings.add(new PolicyProblem(PATH + ".for", "is 0s (the default): no revision is watched, so watch.interval"
          + " and watch.tiers have no effect; set e.g. for: 2h"));
    }
    return valid && watchFor > 0 ? new Watch(watchFor, watchInterval, tiers, spec.interval == null) : Watch.OFF;
  }

  /** The tiers the watch keeps; null (and a problem) for an empty list. */
  private static Set<Tier> tiers(List<WatchSpec.Tier> named, Problems problems) {
    if (named == null) {
      return Watch.DEFAULT_TIERS;
    }
    Set<Tier> tiers = EnumSet.noneOf(Tier.class);
    for (int i = 0; i < named.size(); i++) {
      if (named.get(i) == null) {
        problems.add(PATH + ".tiers[" + i + "]", "must be one of immediate, rapid, evaluate");
      } else {
        tiers.add(Tier.valueOf(named.get(i).name()));
      }
    }
    if (named.isEmpty()) {
      problems.add(PATH + ".tiers", "must list at least one tier (immediate, rapid, evaluate); a watch without"
          + " tiers would only delay the stable revision, since declarations act after the window anyway");
      return null;
    }
    return tiers;
  }
}
