package io.rollbackguard.procedure;

import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.FindingState;
import io.rollbackguard.procedure.Incident.Event;
import io.rollbackguard.verdict.Finding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What happened to one Deployment, read from its status: which rollout was bad, when it was detected, acknowledged and
 * rolled back.
 *
 * <p>Once a rollback is observed, the verdict describes the restored revision: the bad revision's number, images and
 * deadline are read back here, and only here, from the wording the operator gives the timeline's messages ("revision 7
 * (image, ...)", "RollbackRapid (rapid): reason", "revision 8 restores the template of stable revision 6; ..."); a
 * message that does not match leaves the fact unknown rather than wrong. The bad revision's findings, when the cli
 * found them in the verdict's lastIncident, are the incident's findings, dated before the rollback; they are the
 * evidence when the timeline no longer holds a recommendation's reason.
 */
public final class IncidentFacts {
  static final String ROLLOUT_OBSERVED = "RolloutObserved";
  static final String ROLLED_BACK = "RolledBack";
  private static final Pattern ROLLOUT = Pattern.compile("^revision (\\d+) \\((.*)\\)$");
  private static final Pattern RESTORED = Pattern.compile("^revision (\\d+) restores the template of stable revision"
      + " (\\d+)");
  private static final Pattern RECOMMENDATION = Pattern.compile("^([A-Za-z]+)(?: \\(([a-z]+)\\))?: (.*)$");
  private static final List<String> RECOMMENDATIONS =
      List.of("RollbackRecommended", "FeatureFlagRecommended", "EvaluationRecommended", "Escalated");

  private final Incident incident;
  private final List<Event> events;
  private final Event rollout;
  private final Event rolledBack;

  private IncidentFacts(Incident incident, List<Event> events, Event rollout, Event rolledBack) {
    this.incident = incident;
    this.events = events;
    this.rollout = rollout;
    this.rolledBack = rolledBack;
  }

  public static IncidentFacts of(Incident incident) {
    List<Event> timeline = incident.timeline();
    int lastRollout = lastIndexOf(timeline, ROLLOUT_OBSERVED);
    int lastRollback = lastIndexOf(timeline, ROLLED_BACK);
    if (lastRollback > lastRollout) {
      // the bad revision is the one rolled out before the rollback; the current revision is the restored one
      return new IncidentFacts(incident, timeline.subList(Math.max(lastRollout, 0), timeline.size()),
          lastRollout < 0 ? null : timeline.get(lastRollout), timeline.get(lastRollback));
    }
    Event rollout = lastRollout < 0 ? null : timeline.get(lastRollout);
    if (rollout != null && Objects.equals(revisionOf(rollout), incident.revision())) {
      return new IncidentFacts(incident, timeline.subList(lastRollout, timeline.size()), rollout, null);
    }
    // adopted revision, or its rollout event dropped from the bounded timeline: what happened since it started
    Instant since = incident.rolloutStartedAt();
    List<Event> events = timeline.stream().filter(e -> since == null || !e.at().isBefore(since)).toList();
    return new IncidentFacts(incident, events, null, null);
  }

  public Incident incident() {
    return incident;
  }

  /** The timeline of this incident: from the bad rollout on. */
  public List<Event> events() {
    return events;
  }

  public boolean rolledBack() {
    return rolledBack != null;
  }

  /** The RolledBack entry, or null. */
  public Event rollback() {
    return rolledBack;
  }

  /** The bad revision: the current one, or after a rollback the one rolled out before it (null if not known). */
  public Long badRevision() {
    return rolledBack == null ? incident.revision() : revisionOf(rollout);
  }

  public List<String> badImages() {
    if (rolledBack == null) {
      return incident.images();
    }
    Matcher m = rollout == null ? null : ROLLOUT.matcher(rollout.message());
    return m != null && m.matches() ? Arrays.asList(m.group(2).split(", ")) : List.of();
  }

  /** The stable revision the bad one goes back to; after a rollback, its number before the re-numbering. */
  public Long goodRevision() {
    if (rolledBack == null) {
      return incident.stableRevision();
    }
    Matcher m = RESTORED.matcher(rolledBack.message());
    return m.find() ? Long.valueOf(m.group(2)) : null;
  }

  public List<String> goodImages() {
    return rolledBack == null ? incident.stableImages() : incident.images();
  }

  /** When the bad revision rolled out. */
  public Instant startedAt() {
    return rollout != null ? rollout.at() : rolledBack == null ? incident.rolloutStartedAt() : null;
  }

  /** The first recommendation rollback-guard made or problem a person declared; null when neither happened. */
  public Event firstAlert() {
    return events.stream().filter(e -> RECOMMENDATIONS.contains(e.kind()) || e.kind().equals("Declared"))
        .findFirst().orElse(null);
  }

  /** When the problem was detected: the time of {@link #firstAlert}, or null. */
  public Instant detectedAt() {
    Event first = firstAlert();
    return first == null ? null : first.at();
  }

  /** The first breached sample among the findings; unknown (null) after a rollback, whose window reset them. */
  public Instant firstBreach() {
    if (rolledBack != null) {
      return null;
    }
    return incident.findings().stream()
        .filter(f -> f.state() != FindingState.Inconclusive && f.state() != FindingState.Declared)
        .map(Finding::since).filter(Objects::nonNull).min(Long::compare).map(Instant::ofEpochMilli).orElse(null);
  }

  public List<Event> acknowledgements() {
    return ofKind("Acknowledged");
  }

  public List<Event> ofKind(String kind) {
    return events.stream().filter(e -> e.kind().equals(kind)).toList();
  }

  /** When the deadline passed without the recommendation going away, or null. */
  public Instant deadlinePassedAt() {
    return ofKind("DeadlinePassed").stream().map(Event::at).findFirst().orElse(null);
  }

  /** The most severe action recommended for the bad revision. */
  public Action worstAction() {
    Action worst = rolledBack == null ? incident.action() : Action.None;
    for (Event e : events) {
      Action a = recommendedAction(e);
      if (a != null && a.outranks(worst)) {
        worst = a;
      }
    }
    return worst;
  }

  /** What was seen: the findings while they are kept, else the reasons given by each recommendation and declaration. */
  public List<String> evidence() {
    List<String> lines = new ArrayList<>();
    if (rolledBack == null) {
      for (Finding f : incident.findings()) {
        lines.add(f.message() + (f.tier() == null ? "" : " (" + f.tier() + " tier)"));
      }
      if (!lines.isEmpty()) {
        return lines;
      }
    }
    for (Event e : events) {
      Matcher m = RECOMMENDATIONS.contains(e.kind()) ? RECOMMENDATION.matcher(e.message()) : null;
      if (m != null && m.matches() && !lines.contains(m.group(3))) {
        lines.add(m.group(3));
      }
    }
    if (lines.isEmpty() && rolledBack != null) {
      // the recommendations trimmed from the bounded timeline: the rolled-back revision's own findings, if kept
      for (Finding f : rolledBackFindings()) {
        if (f.message() != null && !lines.contains(f.message())) {
          lines.add(f.message());
        }
      }
    }
    return lines;
  }

  /** After a rollback, the findings dated before it: the rolled-back revision's, not the restored one's. */
  private List<Finding> rolledBackFindings() {
    long rollbackAt = rolledBack.at().toEpochMilli();
    return incident.findings().stream().filter(f -> f.state() != FindingState.Inconclusive)
        .filter(f -> {
          Long at = f.since() != null ? f.since() : f.firedAt();
          return at != null && at <= rollbackAt;
        }).toList();
  }

  /** Each symptom once: per signal the finding of the highest tier while findings are kept, else {@link #evidence}. */
  public List<String> symptoms() {
    if (rolledBack != null || incident.findings().isEmpty()) {
      return evidence();
    }
    Map<String, String> bySignal = new LinkedHashMap<>();
    incident.findings().forEach(f -> bySignal.putIfAbsent(f.signal(), f.message()));
    return List.copyOf(bySignal.values());
  }

  /** The action an event recommends ("RollbackRapid (rapid): ..."), or null for other events. */
  static Action recommendedAction(Event e) {
    if (!RECOMMENDATIONS.contains(e.kind())) {
      return null;
    }
    Matcher m = RECOMMENDATION.matcher(e.message());
    if (!m.matches()) {
      return null;
    }
    return Arrays.stream(Action.values()).filter(a -> a.name().equals(m.group(1))).findFirst().orElse(null);
  }

  /** "v2.1.0": the tag of the first image that changed between the bad and the good revision. */
  public String badVersion() {
    return version(badImages(), goodImages(), badRevision());
  }

  public String goodVersion() {
    return version(goodImages(), badImages(), goodRevision());
  }

  private static String version(List<String> images, List<String> other, Long revision) {
    for (int i = 0; i < images.size(); i++) {
      if (i >= other.size() || !images.get(i).equals(other.get(i))) {
        return tag(images.get(i));
      }
    }
    if (!images.isEmpty()) {
      return tag(images.get(0));
    }
    return revision == null ? "the previous version" : "revision " + revision;
  }

  /** registry/app:v2.1.0 → v2.1.0; registry/app@sha256:0123456789abcdef... → sha256:0123456789ab. */
  static String tag(String image) {
    int at = image.indexOf('@');
    if (at >= 0) {
      String digest = image.substring(at + 1);
      return digest.length() > 19 ? digest.substring(0, 19) : digest;
    }
    int colon = image.lastIndexOf(':');
    return colon > image.lastIndexOf('/') ? image.substring(colon + 1) : "latest";
  }

  private static Long revisionOf(Event rolloutEvent) {
    Matcher m = rolloutEvent == null ? null : ROLLOUT.matcher(rolloutEvent.message());
    return m != null && m.matches() ? Long.valueOf(m.group(1)) : null;
  }

  private static int lastIndexOf(List<Event> timeline, String kind) {
    for (int i = timeline.size() - 1; i >= 0; i--) {
      if (timeline.get(i).kind().equals(kind)) {
        return i;
      }
    }
    return -1;
  }
}
