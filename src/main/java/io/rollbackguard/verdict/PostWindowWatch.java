package io.rollbackguard.verdict;

import io.rollbackguard.api.status.EvaluationState;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.Tier;
import io.rollbackguard.verdict.VerdictEvent.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * How the watch after a Stable window (DESIGN.md §1b) begins and ends; the engine samples it on the watch's grid in
 * between, with the tiers it keeps.
 */
final class PostWindowWatch {
  private PostWindowWatch() {}

  /**
   * A Stable close with a watch: the revision is watched, not yet the stable one. Chains of the tiers the watch keeps
   * go on across the close (a breach that began in the window still counts its {@code for}); the others end.
   */
  static void start(Policy p, EvaluationState s, long at, String passed, List<VerdictEvent> events) {
    Watch w = p.watch();
    s.closedAs = Phase.Watching;
    s.windowClosedAt = at;
    for (Criterion c : p.criteria()) {
      if (!w.acts(c)) {
        s.chains.remove(c.id());
      }
    }
    events.add(new VerdictEvent(at, Type.WatchStarted, passed + "; watched for " + DurationFormat.format(w.forMillis())
        + ", every " + DurationFormat.format(w.intervalMillis()) + ", by the " + tierList(w) + " tier"
        + (w.tiers().size() == 1 ? "" : "s") + "; the stable revision stays the one before it until then"));
  }

  private static String tierList(Watch w) {
    List<String> names = new ArrayList<>();
    for (Tier t : new Tier[] {Tier.immediate, Tier.rapid, Tier.evaluate}) {
      if (w.keeps(t)) {
        names.add(t.name());
      }
    }
    return names.size() <= 1 ? String.join("", names)
        : String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
  }

  /** Whether the watch sample at {@code at} is its last: the first of its grid at or past close + {@code for}. */
  static boolean endsAt(Policy p, EvaluationState s, long at) {
    return at >= p.watch().lastSampleAt(s.windowClosedAt);
  }

  /**
   * The watch is over: a revision that nothing breached is Stable (and, by ObservationPassed, the stable revision),
   * even when the watch saw too little data: the window already judged it on enough, and a watch that cannot see must
   * not hold the stable revision back for ever. It says so in the timeline.
   */
  static void end(Policy p, EvaluationState s, long at, List<VerdictEvent> events) {
    if (s.breached) {
      s.closedAs = Phase.Breached;
      return;
    }
    s.closedAs = Phase.Stable;
    String lacking = Findings.lackingWatchData(p, s);
    if (lacking != null && p.watch().on()) {
      events.add(new VerdictEvent(at, Type.WatchInconclusive, "revision " + s.revision + "'s watch saw too little"
          + " data (" + lacking + "); it ends Stable all the same"));
    }
    events.add(new VerdictEvent(at, Type.ObservationPassed, "revision " + s.revision + " passed its window and its "
        + (p.watch().on() ? DurationFormat.format(p.watch().forMillis()) + " " : "") + "watch"));
  }
}
