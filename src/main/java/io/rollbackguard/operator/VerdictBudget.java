package io.rollbackguard.operator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rollbackguard.api.status.FindingStatus;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.api.status.TimelineEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a verdict's status under {@value #BYTES} bytes, whatever its policy: what is least needed during an incident
 * goes first (the queries of the resolved incident's findings, then older timeline entries, then the queries of
 * findings that did not fire). The evaluation state, which a restart resumes from, always stays.
 */
final class VerdictBudget {
  static final int BYTES = 8 * 1024;
  private static final int KEEP_TIMELINE = 8;
  private static final ObjectMapper JSON = new ObjectMapper();

  private VerdictBudget() {}

  static void fit(RolloutVerdictStatus s) {
    if (size(s) <= BYTES) {
      return;
    }
    if (s.lastIncident != null && s.lastIncident.findings != null) {
      s.lastIncident.findings = withoutQueries(s.lastIncident.findings, false);
      if (size(s) <= BYTES) {
        return;
      }
    }
    if (s.timeline != null && s.timeline.size() > KEEP_TIMELINE) {
      List<TimelineEntry> t = s.timeline;
      s.timeline = new ArrayList<>(t.subList(t.size() - KEEP_TIMELINE, t.size()));
      if (size(s) <= BYTES) {
        return;
      }
    }
    s.findings = withoutQueries(s.findings, true);
  }

  private static List<FindingStatus> withoutQueries(List<FindingStatus> findings, boolean keepFired) {
    List<FindingStatus> out = new ArrayList<>();
    for (FindingStatus f : findings) {
      if (keepFired && f.firedAt != null) {
        out.add(f);
        continue;
      }
      FindingStatus c = new FindingStatus();
      c.signal = f.signal;
      c.tier = f.tier;
      c.state = f.state;
      c.observed = f.observed;
      c.threshold = f.threshold;
      c.since = f.since;
      c.firedAt = f.firedAt;
      c.observedAt = f.observedAt;
      c.message = f.message;
      out.add(c);
    }
    return out;
  }

  static int size(Object o) {
    try {
      return JSON.writeValueAsBytes(o).length;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
