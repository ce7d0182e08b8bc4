package io.rollbackguard.procedure;

import static io.rollbackguard.procedure.Markdown.code;
import static io.rollbackguard.procedure.Markdown.codeList;
import static io.rollbackguard.procedure.Markdown.elapsed;
import static io.rollbackguard.procedure.Markdown.instant;
import static io.rollbackguard.procedure.ShellWord.quote;

import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.Procedure;
import io.rollbackguard.procedure.Incident.Event;
import io.rollbackguard.verdict.Finding;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The emergency runbook of INCIDENT-PRACTICE.md for one Deployment, as Markdown, filled in with its live values: the
 * revisions and images, the procedure's exact commands, the deadline and the time left, the status-page messages with
 * the versions, and each stage's minutes from detection turned into clock times.
 */
public final class RunbookWriter {
  private final StringBuilder md = new StringBuilder();
  private final IncidentFacts facts;
  private final Incident incident;
  private final AsOf asOf;
  private final Instant now;

  private RunbookWriter(Incident incident, AsOf asOf) {
    this.facts = IncidentFacts.of(incident);
    this.incident = incident;
    this.asOf = asOf;
    this.now = asOf.now();
  }

  /** @param now the moment the runbook is written, and is for: the time left is counted to it */
  public static String write(Incident incident, Instant now) {
    return write(incident, AsOf.clock(now));
  }

  /** @param asOf the moment the time left is counted to, and when the runbook is written */
  public static String write(Incident incident, AsOf asOf) {
    return new RunbookWriter(incident, asOf).render();
  }

  private String render() {
    line("# Emergency runbook: " + incident.deployment() + " (namespace " + incident.namespace() + ")");
    line("");
    if (asOf.note() != null) {
      line(asOf.note());
      line("");
    }
    boolean acting = incident.action() != Action.None;
    if (!acting && !facts.rolledBack()) {
      line("Nothing to act on: revision " + incident.revision() + " is " + incident.phase()
          + (incident.reason() == null ? "" : " (" + incident.reason() + ")")
          + ", with no recommendation and no rollback in its status.");
      footer();
      return md.toString();
    }
    headline(acting);
    summaryTable();
    evidence();
    Instant detected = facts.detectedAt() != null ? facts.detectedAt() : now;
    detection(detected);
    communication(detected, acting);
    action(detected, acting);
    verification(detected);
    resolution(detected);
    postmortem(detected);
    footer();
    return md.toString();
  }

  private void headline(boolean acting) {
    if (acting) {
      line("**" + incident.action() + "**" + (incident.tier() == null ? "" : " (" + incident.tier() + " tier)") + ": "
          + incident.reason() + ".");
      line("");
      line(incident.decideBy() == null
          ? "**No deadline**: decide between a hotfix and a rollback."
          : "**Decide by " + instant(incident.decideBy()) + ": " + Markdown.timeLeft(incident.decideBy(), now)
              + "** (now " + instant(now) + ").");
    } else {
      line("**Rolled back at " + instant(facts.rollback().at()) + "**: " + facts.rollback().message() + ".");
    }
    line("");
  }

  private void summaryTable() {
    line("| | |");
    line("|---|---|");
    line("| Deployment | " + code("deployment/" + incident.deployment()) + " in namespace " + code(incident.namespace())
        + (incident.policy() == null ? "" : ", guarded by RollbackPolicy " + code(incident.policy())) + " |");
    line("| Bad revision | " + revision(facts.badRevision()) + ": " + codeList(facts.badImages())
        + (facts.startedAt() == null ? "" : ", rolled out " + instant(facts.startedAt())) + " |");
    if (facts.rolledBack()) {
      line("| Restored | " + revision(facts.goodRevision()) + ", now revision " + incident.revision() + ": "
          + codeList(incident.images()) + " |");
    } else {
      line("| Stable revision | " + (incident.stableRevision() == null
          ? "none verified yet: the rollback target is unverified"
          : incident.stableRevision() + ": " + codeList(incident.stableImages())) + " |");
    }
    line("| Phase | " + incident.phase() + window() + " |");
    line("");
  }

  private String window() {
    if (incident.observeUntil() == null) {
      return "";
    }
    String what = facts.rolledBack() ? "the restored revision's window" : "the observation window";
    return incident.observeUntil().isAfter(now) ? "; " + what + " runs until " + instant(incident.observeUntil())
        : "; " + what + " closed at " + instant(incident.observeUntil()) + watch();
  }

  /**
   * A watched revision is not the stable one until its watch ends: on call needs to know that a breach after the
   * window is a late one, and that the target is the revision stable before it.
   */
  private String watch() {
    Instant until = incident.watchUntil();
    if (until == null || facts.rolledBack()) {
      return "";
    }
    return until.isAfter(now) ? ", then watched until " + instant(until) + " (not yet the stable revision)"
        : ", then watched until " + instant(until);
  }

  private void evidence() {
    List<String> evidence = facts.evidence();
    if (evidence.isEmpty()) {
      return;
    }
    line("## Evidence");
    line("");
    if (!facts.rolledBack()) {
      for (Finding f : incident.findings()) {
        line("- " + f.message() + (f.tier() == null ? "" : " (" + f.tier() + " tier)") + when(f));
      }
    } else {
      evidence.forEach(e -> line("- " + e));
    }
    line("");
  }

  private static String when(Finding f) {
    if (f.firedAt() != null) {
      return ": fired at " + Markdown.clock(Instant.ofEpochMilli(f.firedAt()))
          + (f.since() != null && !f.since().equals(f.firedAt())
              ? ", breached since " + Markdown.clock(Instant.ofEpochMilli(f.since())) : "");
    }
    return f.since() == null ? "" : ": breached since " + Markdown.clock(Instant.ofEpochMilli(f.since()));
  }

  private void detection(Instant detected) {
    stage(1, "Detection", detected, 0, 2);
    Event first = facts.firstAlert();
    line("- [ ] Alert received" + (first == null ? "" : ": " + first.message() + ", at " + Markdown.clock(first.at())));
    Set<String> queries = new LinkedHashSet<>();
    incident.findings().stream().map(Finding::query).filter(q -> q != null && !q.isBlank()).forEach(queries::add);
    if (queries.isEmpty()) {
      line("- [ ] Check the Deployment and the dashboards: " + code(kubectl("describe")));
    } else {
      line("- [ ] Check the metrics (the findings' queries):");
      line("");
      line("  ```promql");
      queries.forEach(q -> line("  " + q));
      line("  ```");
      line("");
    }
    Instant breach = facts.firstBreach();
    line("- [ ] Confirm the problem follows the latest deployment: revision " + revision(facts.badRevision())
        + (facts.startedAt() == null ? "" : " rolled out at " + Markdown.clock(facts.startedAt()))
        + (breach == null || facts.startedAt() == null ? ""
            : "; first breach at " + Markdown.clock(breach) + ", " + elapsed(facts.startedAt(), breach) + " later"));
    line("");
  }

  private void communication(Instant detected, boolean acting) {
    stage(2, "Communication", detected, 2, 5);
    line("- [ ] Notify the team in the incident channel: " + incident.deployment() + " revision "
        + revision(facts.badRevision()) + " (" + facts.badVersion() + "), " + facts.worstAction()
        + (acting && incident.decideBy() != null ? ", decide by " + Markdown.clock(incident.decideBy()) : ""));
    List<Event> acks = facts.acknowledgements();
    if (acks.isEmpty()) {
      line("- [ ] Say who acts, for the timeline: " + code(kubectl("annotate")
          + " rollbackguard.io/ack=\"<who>: <note>\""));
    } else {
      acks.forEach(a -> line("- [x] Acknowledged at " + Markdown.clock(a.at()) + " (" + a.message() + ")"));
    }
    line("- [ ] Update the status page:");
    line("");
    line("  > Incident in progress — service degraded. We identified a problem following deployment "
        + facts.badVersion() + ". " + inProgress() + "");
    line("");
  }

  private String inProgress() {
    return switch (facts.worstAction()) {
      case DisableFeatureFlag -> "A fix is in progress.";
      case Evaluate -> "We are investigating.";
      default -> "A rollback is in progress.";
    };
  }

  private void action(Instant detected, boolean acting) {
    String name = facts.rolledBack() || incident.action().isRollback() ? "Rollback"
        : incident.action() == Action.DisableFeatureFlag ? "Mitigation" : "Hotfix or rollback";
    stage(3, name, detected, 5, 15);
    if (!acting || incident.procedure() == null) {
      Event done = facts.rollback();
      line(done == null ? "The status holds no procedure for revision " + incident.revision() + "."
          : "Done: rollback observed at " + Markdown.clock(done.at())
              + (facts.detectedAt() == null ? "" : ", " + elapsed(facts.detectedAt(), done.at()) + " after detection")
              + ". Nothing left to run.");
      line("");
      return;
    }
    Procedure p = incident.procedure();
    line("**" + p.title() + "**");
    line("");
    int n = 1;
    for (Procedure.Step step : p.steps()) {
      line(n++ + ". " + step.title() + (step.command() == null ? "" : ": " + code(step.command())));
    }
    for (String warning : p.warnings()) {
      line("");
      line("> **Warning:** " + warning);
    }
    line("");
  }

  private void verification(Instant detected) {
    stage(4, "Verification", detected, 15, 20);
    line("- [ ] The rollout completes: " + code(kubectl("rollout status")));
    line("- [ ] Health checks pass");
    line("- [ ] Smoke tests pass");
    for (String e : backToNormal()) {
      line("- [ ] No longer true: " + e);
    }
    line("- [ ] Manual check of the critical features");
    if (facts.rolledBack()) {
      line("- [" + (incident.phase() == Phase.Stable ? "x" : " ") + "] rollback-guard's fresh window on revision "
          + incident.revision() + ": " + incident.phase()
          + (incident.reason() == null ? "" : " (" + incident.reason() + ")"));
    } else {
      line("- [ ] rollback-guard records the rollback (RolledBack) and opens a fresh window: "
          + code("kubectl get rv " + quote(incident.deployment()) + " -n " + quote(incident.namespace())));
    }
    line("");
  }

  /**
   * Per signal, the finding of the lowest tier: its bound is the one "normal" lies under (error rate 6.5% > 0.1%
   * rather than > 5%). After a rollback only the recommendations' reasons are left, each said once.
   */
  private List<String> backToNormal() {
    if (facts.rolledBack() || incident.findings().isEmpty()) {
      return facts.evidence();
    }
    Map<String, String> bySignal = new LinkedHashMap<>();
    incident.findings().forEach(f -> bySignal.put(f.signal(), f.message() + (f.tier() == null ? ""
        : " (" + f.tier() + " tier)")));
    return List.copyOf(bySignal.values());
  }

  private void resolution(Instant detected) {
    stage(5, "Communication", detected, 20, 25);
    String how = facts.worstAction() == Action.DisableFeatureFlag && incident.options() != null
        && !incident.options().featureFlags().isEmpty() && !facts.rolledBack()
        ? "disabling " + String.join(", ", incident.options().featureFlags())
        : "rolling back to " + facts.goodVersion();
    line("- [ ] Update the status page:");
    line("");
    line("  > Incident resolved. Service restored after " + how + ". Post-mortem to follow.");
    line("");
  }

  private void postmortem(Instant detected) {
    line("## 6. Post-mortem (within 48 h: by " + instant(detected.plus(Duration.ofHours(48))) + ")");
    line("");
    line("- [ ] Schedule the meeting");
    line("- [ ] Draft it: " + code("rollback-guard postmortem -n " + quote(incident.namespace()) + " "
        + quote(incident.deployment())));
    line("- [ ] Write the timeline, find the root cause, define preventive actions");
    line("");
  }

  private void stage(int number, String name, Instant detected, int fromMinute, int toMinute) {
    line("## " + number + ". " + name + " (" + fromMinute + "–" + toMinute + " min: "
        + Markdown.shortClock(detected.plus(Duration.ofMinutes(fromMinute))) + "–"
        + Markdown.shortClock(detected.plus(Duration.ofMinutes(toMinute))) + ")");
    line("");
  }

  private void footer() {
    line("---");
    line("");
    line("_Written by rollback-guard at " + instant(asOf.writtenAt()) + " from the status of RolloutVerdict "
        + incident.namespace() + "/" + incident.deployment() + ". rollback-guard advises: it has executed nothing._");
  }

  /** {@code kubectl VERB deployment/NAME -n NS}, the names quoted for the shell where they need it. */
  private String kubectl(String verb) {
    return "kubectl " + verb + " " + quote("deployment/" + incident.deployment()) + " -n "
        + quote(incident.namespace());
  }

  private static String revision(Long revision) {
    return revision == null ? "unknown" : revision.toString();
  }

  private void line(String text) {
    md.append(text).append('\n');
  }
}
