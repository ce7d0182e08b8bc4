package io.rollbackguard.policy;

import io.rollbackguard.policy.PolicyCompiler.Problems;
import io.rollbackguard.verdict.Criterion;
import io.rollbackguard.verdict.DurationFormat;
import io.rollbackguard.verdict.Watch;
import java.util.List;
import java.util.Map;

/**
 * Whether each criterion's {@code for} fits in its window (DESIGN.md §1 Firing): counted samples span at most
 * ⌊(window − initialDelay) / interval⌋ × interval, so a breach that must hold longer can never fire. Silently dead
 * criteria are what people on call discover during an incident, so the policy says so when it is compiled.
 */
final class HoldChecks {
  private HoldChecks() {}

  /** The longest a breach can be held within one window; -1 when the timing itself is invalid. */
  static long longestHold(long initialDelay, long window, long interval) {
    if (initialDelay < 0 || window <= 0 || interval <= 0 || initialDelay >= window) {
      return -1;
    }
    return (window - initialDelay) / interval * interval;
  }

  /**
   * An error for a criterion the policy names (its owner wrote a {@code for} that cannot work), a warning for a
   * default one (the window chosen leaves it dead, which may be intended but is rarely known).
   *
   * @param named criterion id to the path of its {@code for}, for the criteria the policy names
   */
  static void fitInWindow(List<Criterion> criteria, Map<String, String> named, long initialDelay, long window,
      long interval, Watch watch, Problems problems, List<PolicyProblem> warnings) {
    long inWindow = longestHold(initialDelay, window, interval);
    if (inWindow < 0) {
      return;
    }
    for (Criterion c : criteria) {
      // A watched tier's chains go on across the window's close, so its breaches can also hold through the watch.
      boolean watched = watch.on() && watch.keeps(c.tier());
      long longest = watched ? inWindow + watch.forMillis() : inWindow;
      if (c.holdForMillis() <= longest) {
        continue;
      }
      String timing = "with window " + DurationFormat.format(window) + ", initialDelay "
          + DurationFormat.format(initialDelay) + " and interval " + DurationFormat.format(interval)
          + (watched ? " and a watch of " + DurationFormat.format(watch.forMillis()) : "")
          + " a breach can hold at most " + DurationFormat.format(longest);
      String hold = DurationFormat.format(c.holdForMillis());
      String path = named.get(c.id());
      if (path != null) {
        problems.add(path, hold + " can never fire: " + timing + "; shorten `for` or lengthen the window");
      } else {
        warnings.add(new PolicyProblem("spec.tiers." + c.tier() + "." + c.signal(), "the default "
            + describe(c) + " for " + hold + " can never fire: " + timing + "; name the criterion with a shorter"
            + " `for`, or {disabled: true}"));
      }
    }
  }

  private static String describe(Criterion c) {
    return c.condition() ? c.signal() : c.signal() + " above " + c.thresholdText();
  }
}
