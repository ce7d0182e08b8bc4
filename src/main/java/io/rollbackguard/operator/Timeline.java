package io.rollbackguard.operator;

import io.rollbackguard.api.status.TimelineEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A target's timeline, bounded: the first entry of each kind, plus the latest {@value #LATEST}. */
final class Timeline {
  static final int LATEST = 20;

  private Timeline() {}

  static List<TimelineEntry> append(List<TimelineEntry> timeline, List<TimelineEntry> added) {
    if (added.isEmpty()) {
      return timeline;
    }
    List<TimelineEntry> all = new ArrayList<>(timeline);
    all.addAll(added);
    if (all.size() <= LATEST) {
      return all;
    }
    Set<String> kinds = new HashSet<>();
    List<TimelineEntry> kept = new ArrayList<>();
    int latestFrom = all.size() - LATEST;
    for (int i = 0; i < all.size(); i++) {
      TimelineEntry e = all.get(i);
      boolean firstOfKind = kinds.add(e.event);
      if (i >= latestFrom || firstOfKind) {
        kept.add(e);
      }
    }
    return kept;
  }
}
