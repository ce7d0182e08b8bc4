package io.rollbackguard.cli;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.api.status.FindingStatus;
import io.rollbackguard.api.status.LastIncident;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.api.status.TimelineEntry;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The latest moment a saved verdict, and the policy read with it, record having seen: no later than when they were
 * saved, and the nearest the copy tells to it, so a runbook from a saved file counts its time left to that moment.
 *
 * <p>Counted: what happened or was observed, which can only lie in the past when the copy was saved: the verdict's
 * creation, rollout start, timeline, findings (since, fired, observed), last incident (fired, resolved, its findings)
 * and the operator's latest sample ({@code evaluation.lastSampleAt}); the policy's creation and its conditions' last
 * transitions. Not counted: {@code decideBy}, {@code observeUntil} and {@code watchUntil}, a deadline and the planned
 * ends of a window and of its watch, which lie in the future while the incident is open. Every verdict and policy of the file counts: {@code kubectl get rv -o
 * yaml} saves them all at one moment, so the latest time any of them holds is the nearest the file comes to saying
 * when it was saved.
 */
final class ObservedTimes {
  private ObservedTimes() {}

  /** The latest time any of {@code objects} (verdicts and policies; others are ignored) holds. */
  static Optional<Instant> latest(List<? extends io.fabric8.kubernetes.api.model.HasMetadata> objects) {
    return objects.stream().flatMap(o -> o instanceof RolloutVerdict v ? latest(v, null).stream()
        : o instanceof RollbackPolicy p ? latestOfPolicy(p).stream() : java.util.stream.Stream.empty())
        .max(Instant::compareTo);
  }

  private static Optional<Instant> latestOfPolicy(RollbackPolicy policy) {
    List<String> texts = new ArrayList<>();
    created(policy, texts);
    if (policy.getStatus() != null) {
      for (Condition c : orEmpty(policy.getStatus().conditions)) {
        texts.add(c.getLastTransitionTime());
      }
    }
    return texts.stream().map(ObservedTimes::parsed).flatMap(Optional::stream).max(Instant::compareTo);
  }

  /** @param policy null when the file does not hold it */
  static Optional<Instant> latest(RolloutVerdict verdict, RollbackPolicy policy) {
    List<String> texts = new ArrayList<>();
    List<Instant> instants = new ArrayList<>();
    created(verdict, texts);
    RolloutVerdictStatus d = verdict.getStatus();
    if (d != null) {
      texts.add(d.rolloutStartedAt);
      for (TimelineEntry e : orEmpty(d.timeline)) {
        texts.add(e.at);
      }
      findings(d.findings, texts);
      LastIncident last = d.lastIncident;
      if (last != null) {
        texts.add(last.firedAt);
        texts.add(last.resolvedAt);
        findings(last.findings, texts);
      }
      if (d.evaluation != null && d.evaluation.lastSampleAt >= 0) {
        instants.add(Instant.ofEpochMilli(d.evaluation.lastSampleAt));
      }
    }
    if (policy != null) {
      created(policy, texts);
      if (policy.getStatus() != null) {
        for (Condition c : orEmpty(policy.getStatus().conditions)) {
          texts.add(c.getLastTransitionTime());
        }
      }
    }
    for (String text : texts) {
      parsed(text).ifPresent(instants::add);
    }
    return instants.stream().max(Instant::compareTo);
  }

  private static void created(HasMetadata object, List<String> texts) {
    if (object.getMetadata() != null) {
      texts.add(object.getMetadata().getCreationTimestamp());
    }
  }

  private static void findings(List<FindingStatus> findings, List<String> texts) {
    for (FindingStatus f : orEmpty(findings)) {
      texts.add(f.since);
      texts.add(f.firedAt);
      texts.add(f.observedAt);
    }
  }

  /**
   * A time that does not parse is left out rather than refused: the fields the documents render are checked where they
   * are read (IncidentFromStatus), and one the document does not show must not keep anyone from their runbook.
   */
  private static Optional<Instant> parsed(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
