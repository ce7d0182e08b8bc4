package io.rollbackguard.procedure;

import java.time.Instant;
import java.util.Objects;

/**
 * The moment a runbook or post-mortem is written for: the time left, the durations and the ages it shows are counted
 * to it. Live, that is the clock, and goes without saying. Any other moment (a saved file's latest time, a time the
 * person gave) is said near the top of the document: a status saved mid-incident and read days later must not show
 * its deadline as "passed 87 h ago" as if that were part of the incident.
 *
 * @param now the moment the document is for
 * @param writtenAt when it is written (the clock), which the footer gives
 * @param note the sentence saying where {@code now} comes from; null when it is the clock
 */
public record AsOf(Instant now, Instant writtenAt, String note) {
  public AsOf {
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(writtenAt, "writtenAt");
  }

  /** Live: the document is for the moment it is written. */
  public static AsOf clock(Instant now) {
    return new AsOf(now, now, null);
  }

  /** A moment the person chose (--now). */
  public static AsOf given(Instant now, Instant clock) {
    return new AsOf(now, clock, "Times are as of " + Markdown.instant(now) + ", given with --now.");
  }

  /**
   * From a saved copy: the latest moment it records, the nearest it tells to when it was saved.
   *
   * @param saved what was read, for the sentence: "checkout.yaml for checkout"
   */
  public static AsOf latestIn(String saved, Instant latest, Instant clock) {
    return new AsOf(latest, clock, "Times are as of " + Markdown.instant(latest) + ", the latest time recorded in "
        + saved + " (pass --now to change).");
  }

  /** From a saved copy that records no time at all: the clock, said so, since it is likely not when it was saved. */
  public static AsOf noTimeIn(String saved, Instant clock) {
    return new AsOf(clock, clock, "Times are as of " + Markdown.instant(clock) + ", the clock: no time is recorded in "
        + saved + " (pass --now to change).");
  }
}
