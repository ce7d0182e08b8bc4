package io.rollbackguard.procedure;

import static io.rollbackguard.procedure.Markdown.cell;
import static io.rollbackguard.procedure.Markdown.code;
import static io.rollbackguard.procedure.Markdown.codeList;
import static io.rollbackguard.procedure.Markdown.elapsed;
import static io.rollbackguard.procedure.Markdown.instant;

import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.EvaluationState.BoundDeclaration;
import io.rollbackguard.api.status.FindingState;
import io.rollbackguard.procedure.Incident.Event;
import io.rollbackguard.verdict.Finding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A post-mortem draft in the template of INCIDENT-PRACTICE.md, as Markdown: the facts the verdict holds (summary,
 * timeline) filled in, the sections only people can write left open with questions derived from what happened, and a
 * closing list of what the draft cannot know.
 */
public final class PostmortemWriter {
  private static final String TO_FILL = "_To fill._";
  private static final Map<String, String> EVENT_NAMES = Map.ofEntries(
      Map.entry("RolloutObserved", "Deploy"),
      Map.entry("RollbackRecommended", "Rollback recommended"),
      Map.entry("FeatureFlagRecommended", "Feature flag off recommended"),
      Map.entry("EvaluationRecommended", "Evaluation recommended"),
      Map.entry("Escalated", "Escalated"),
      Map.entry("Declared", "Problem declared"),
      Map.entry("DeclarationNote", "Declaration note"),
      Map.entry("Acknowledged", "Acknowledged"),
      Map.entry("Dismissed", "Recommendation dismissed"),
      Map.entry("DeadlinePassed", "Deadline passed"),
      Map.entry("RolledBack", "Rollback observed"),
      Map.entry("ObservationPassed", "Window passed"),
      Map.entry("ObservationInconclusive", "Window inconclusive"));
  /** The template's moments the status cannot date. */
  private static final List<String> MOMENTS_FOR_PEOPLE =
      List.of("Incident declared", "Root cause identified", "Rollback decided", "Service restored", "Incident closed");

  private final StringBuilder md = new StringBuilder();
  private final IncidentFacts facts;
  private final Incident incident;
  private final PostmortemPrompts prompts;
  private final AsOf asOf;
  private final Instant now;

  private PostmortemWriter(Incident incident, AsOf asOf) {
    this.facts = IncidentFacts.of(incident);
    this.incident = incident;
    this.prompts = new PostmortemPrompts(facts);
    this.asOf = asOf;
    this.now = asOf.now();
  }

  /** @param now when the draft is written, and is for: an incident still open lasts until now */
  public static String write(Incident incident, Instant now) {
    return write(incident, AsOf.clock(now));
  }

  /** @param asOf the moment an incident still open lasts until, and when the draft is written */
  public static String write(Incident incident, AsOf asOf) {
    return new PostmortemWriter(incident, asOf).render();
  }

  private String render() {
    Instant started = facts.startedAt() != null ? facts.startedAt() : now;
    line("# Post-mortem draft: " + incident.deployment() + ", " + Markdown.date(started));
    line("");
    if (asOf.note() != null) {
      line(asOf.note());
      line("");
    }
    line("Drafted by rollback-guard at " + instant(asOf.writtenAt()) + " from the status of RolloutVerdict "
        + incident.namespace() + "/" + incident.deployment() + ". The facts come from that status; everything marked “To fill” is for"
        + " people.");
    line("");
    summary(started);
    timeline(started);
    section("Root cause", prompts.rootCause());
    section("What went well", prompts.wentWell());
    section("What can be improved", prompts.toImprove(now));
    actions();
    section("Lessons learned", List.of());
    line("## What this draft cannot know");
    line("");
    prompts.unknowns().forEach(u -> line("- " + capitalized(u)));
    return md.toString();
  }

  private void summary(Instant started) {
    line("## Summary");
    line("");
    line("- **Date:** " + Markdown.date(started));
    line("- **Service:** " + code("deployment/" + incident.deployment()) + " in namespace "
        + code(incident.namespace()));
    line("- **Change:** revision " + orUnknown(facts.badRevision()) + " (" + codeList(facts.badImages()) + ")"
        + (facts.startedAt() == null ? "" : ", rolled out at " + instant(facts.startedAt()))
        + "; the stable revision was " + orUnknown(facts.goodRevision()) + " (" + codeList(facts.goodImages()) + ")");
    if (facts.rolledBack()) {
      line("- **Duration:** " + (facts.startedAt() == null ? "unknown (the rollout is no longer in the timeline)"
          : elapsed(facts.startedAt(), facts.rollback().at())) + ", from the rollout to the rollback observed at "
          + instant(facts.rollback().at()));
    } else {
      line("- **Duration:** ongoing: " + elapsed(started, now) + " since the rollout, no rollback observed yet");
    }
    line("- **Detection:** " + detection());
    line("- **Impact (from the findings):**");
    List<String> evidence = facts.symptoms();
    if (evidence.isEmpty()) {
      line("  - nothing recorded by rollback-guard");
    }
    evidence.forEach(e -> line("  - " + e));
    line("  - share of users affected: " + TO_FILL);
    line("- **Cause:** " + TO_FILL + declared());
    line("");
  }

  private String detection() {
    Event first = facts.firstAlert();
    if (first == null) {
      return "no recommendation recorded";
    }
    Action action = IncidentFacts.recommendedAction(first);
    String what = action == null ? first.message() : action + " recommended";
    return what + " at " + instant(first.at())
        + (facts.startedAt() == null ? "" : ", " + elapsed(facts.startedAt(), first.at()) + " after the rollout")
        + (action != null && facts.worstAction().outranks(action) ? "; escalated to " + facts.worstAction() : "");
  }

  /** A person's own words on the cause, when they declared one against the bad revision. */
  private String declared() {
    BoundDeclaration d = incident.declaration();
    if (d == null || !d.revision().equals(String.valueOf(facts.badRevision()))) {
      return "";
    }
    return " (declared " + d.value() + (d.note() == null ? "" : ": " + d.note()) + ")";
  }

  private void timeline(Instant started) {
    line("## Timeline (UTC)");
    line("");
    line("| time | event | detail |");
    line("|---|---|---|");
    List<Event> rows = new ArrayList<>(facts.events());
    Instant breach = facts.firstBreach();
    if (breach != null) {
      rows.add(new Event(breach, "First breach", firstBreachDetail(breach)));
    }
    rows.sort(Comparator.comparing(Event::at)); // stable: same-second events keep the operator's order
    for (Event e : rows) {
      line("| " + time(e.at(), started) + " | " + EVENT_NAMES.getOrDefault(e.kind(), e.kind()) + " | "
          + cell(e.message()) + " |");
    }
    for (String moment : MOMENTS_FOR_PEOPLE) {
      line("| " + TO_FILL + " | " + moment + " | |");
    }
    line("");
  }

  private String firstBreachDetail(Instant breach) {
    return incident.findings().stream()
        .filter(f -> f.since() != null && f.since() == breach.toEpochMilli() && f.state() != FindingState.Declared)
        .map(Finding::message).filter(Objects::nonNull).findFirst().orElse("");
  }

  /** The time of day when it is the incident's date, the full date otherwise (an incident can cross midnight). */
  private static String time(Instant at, Instant started) {
    return Markdown.date(at).equals(Markdown.date(started)) ? Markdown.clock(at)
        : Markdown.date(at) + " " + Markdown.clock(at);
  }

  private void section(String title, List<String> questions) {
    line("## " + title);
    line("");
    line(TO_FILL + (questions.isEmpty() ? "" : " From what happened:"));
    if (!questions.isEmpty()) {
      line("");
      questions.forEach(q -> line("- " + q));
    }
    line("");
  }

  private void actions() {
    line("## Actions");
    line("");
    line("| action | owner | deadline |");
    line("|---|---|---|");
    prompts.actions().forEach(a -> line("| " + cell(a) + " | " + TO_FILL + " | " + TO_FILL + " |"));
    line("| " + TO_FILL + " | | |");
    line("");
  }

  private static String capitalized(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1) + ".";
  }

  private static String orUnknown(Long revision) {
    return revision == null ? "unknown" : revision.toString();
  }

  private void line(String text) {
    md.append(text).append('\n');
  }
}
