package io.rollbackguard.procedure;

import static io.rollbackguard.procedure.Markdown.clock;
import static io.rollbackguard.procedure.Markdown.elapsed;

import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.EvaluationState.BoundDeclaration;
import io.rollbackguard.procedure.Incident.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The questions a post-mortem draft asks, derived from what the verdict says happened (and from what it cannot say).
 * The thresholds are the practice's own aims: alerts within 5 minutes of the deploy, a rollback in under 10.
 */
final class PostmortemPrompts {
  static final Duration DETECTION_AIM = Duration.ofMinutes(5);
  static final Duration ROLLBACK_AIM = Duration.ofMinutes(10);
  /** A timeline this long may have been trimmed to the first event of each kind plus the latest 20. */
  static final int BOUNDED_TIMELINE = 21;

  private final IncidentFacts facts;
  private final Incident incident;

  PostmortemPrompts(IncidentFacts facts) {
    this.facts = facts;
    this.incident = facts.incident();
  }

  List<String> rootCause() {
    List<String> prompts = new ArrayList<>();
    prompts.add("What changed between " + facts.goodVersion() + " and " + facts.badVersion() + "?");
    BoundDeclaration declared = incident.declaration();
    if (declared != null && declared.revision().equals(String.valueOf(facts.badRevision()))) {
      prompts.add("The incident commander declared " + declared.value()
          + (declared.note() == null ? "" : " (“" + declared.note() + "”)")
          + ": what in revision " + facts.badRevision() + " caused it?");
    }
    for (String seen : facts.symptoms()) {
      if (!seen.startsWith("declared ")) {
        prompts.add("What caused “" + seen + "”?");
      }
    }
    prompts.add("Why did tests and staging not catch it?");
    return prompts;
  }

  List<String> wentWell() {
    List<String> prompts = new ArrayList<>();
    Instant started = facts.startedAt();
    Instant detected = facts.detectedAt();
    if (started != null && detected != null && !longer(started, detected, DETECTION_AIM)) {
      prompts.add("Detected within 5 minutes of the deploy: rollback-guard recommended " + firstRecommendation()
          + " " + elapsed(started, detected) + " after the rollout.");
    }
    Instant deadline = deadline();
    for (Event ack : facts.acknowledgements()) {
      if (deadline != null && ack.at().isBefore(deadline)) {
        prompts.add("Acknowledged at " + clock(ack.at()) + ", before the deadline (" + clock(deadline) + "): “"
            + ack.message() + "”.");
        break;
      }
    }
    if (facts.rolledBack() && detected != null
        && !longer(detected, facts.rollback().at(), ROLLBACK_AIM)) {
      prompts.add("Rolled back in under 10 minutes: " + elapsed(detected, facts.rollback().at())
          + " after the first recommendation.");
    }
    if (facts.rolledBack() && !facts.ofKind("ObservationPassed").isEmpty()) {
      prompts.add("The restored revision passed its verification window at "
          + clock(facts.ofKind("ObservationPassed").get(0).at()) + ".");
    }
    return prompts;
  }

  List<String> toImprove(Instant now) {
    List<String> prompts = new ArrayList<>();
    Instant started = facts.startedAt();
    Instant detected = facts.detectedAt();
    if (started != null && detected != null && longer(started, detected, DETECTION_AIM)) {
      prompts.add("The first recommendation came " + elapsed(started, detected) + " after the rollout: would"
          + " tighter criteria or a canary (5% of traffic first) have caught it sooner?");
    }
    acknowledgement(prompts);
    if (facts.rolledBack() && detected != null
        && longer(detected, facts.rollback().at(), ROLLBACK_AIM)) {
      prompts.add("The rollback came " + elapsed(detected, facts.rollback().at()) + " after the first"
          + " recommendation (the aim is under 10 minutes): what took the time?");
    } else if (!facts.rolledBack() && detected != null && facts.worstAction().isRollback()) {
      prompts.add("No rollback observed yet, " + elapsed(detected, now) + " after the first recommendation.");
    }
    procedureOptions(prompts);
    if (incident.stableRevision() == null && !facts.rolledBack()) {
      prompts.add("No revision had passed its window: the rollback target was unverified.");
    }
    if (incident.metrics() != null && "NotConfigured".equals(incident.metrics().reason())) {
      prompts.add("No Prometheus configured: rollback-guard decided on Kubernetes signals alone, without error"
          + " rate or latency.");
    } else if (incident.metrics() != null && "False".equals(incident.metrics().status())) {
      prompts.add("Metrics were unavailable (" + incident.metrics().message() + "): did that delay the decision?");
    }
    if (!facts.rolledBack() && incident.procedure() != null) {
      incident.procedure().warnings().forEach(w -> prompts.add("The procedure warned: " + w + ". Did it slow"
          + " things down?"));
    }
    facts.ofKind("Dismissed").forEach(d -> prompts.add("A recommendation was dismissed at " + clock(d.at()) + " ("
        + d.message() + "): was that right?"));
    prompts.add("Did the end-to-end tests miss the case? Is the staging data realistic?");
    return prompts;
  }

  private void acknowledgement(List<String> prompts) {
    List<Event> acks = facts.acknowledgements();
    Instant deadlinePassed = facts.deadlinePassedAt();
    Instant deadline = deadline();
    if (acks.isEmpty()) {
      if (facts.detectedAt() != null) {
        prompts.add("No acknowledgement was recorded (rollbackguard.io/ack): who picked the recommendation up, and"
            + " when?" + (deadlinePassed == null ? "" : " Its deadline passed at " + clock(deadlinePassed) + "."));
      }
      return;
    }
    Event first = acks.get(0);
    if (deadline != null && !first.at().isBefore(deadline)) {
      prompts.add("The recommendation was acknowledged at " + clock(first.at()) + ", " + elapsed(deadline, first.at())
          + " after its deadline (" + clock(deadline) + "): what delayed the response?");
    }
  }

  private void procedureOptions(List<String> prompts) {
    ProcedureOptions options = incident.options();
    if (options == null) {
      prompts.add("The RollbackPolicy's spec was not read with the verdict: whether the policy declared a feature flag"
          + " or a database migration is unknown.");
      return;
    }
    if (options.featureFlags().isEmpty()) {
      prompts.add("No feature flag is declared in the policy (spec.procedure.featureFlags): switching the change off"
          + " took a full rollback. Could a flag have switched " + facts.badVersion() + " off in seconds?");
    }
    ProcedureOptions.Database db = options.database();
    if (db != null && !db.migrationsReversible()) {
      prompts.add("Database migrations are declared irreversible (spec.procedure.database.migrationsReversible:"
          + " false): rolling back meant restoring the pre-deploy " + (db.engine() == null ? "" : db.engine() + " ")
          + "backup and losing data written since the deploy. Can every migration get a down step (new columns"
          + " nullable)?");
    }
  }

  /** Suggested actions; owners and deadlines are for people. */
  List<String> actions() {
    List<String> actions = new ArrayList<>();
    actions.add("Add a test that reproduces the failure of " + facts.badVersion());
    ProcedureOptions options = incident.options();
    if (options != null && options.featureFlags().isEmpty()) {
      actions.add("Put risky changes behind a feature flag and list it in spec.procedure.featureFlags");
    }
    if (options != null && options.database() != null && !options.database().migrationsReversible()) {
      actions.add("Make the database migrations reversible, then set migrationsReversible: true");
    }
    if (facts.acknowledgements().isEmpty() || (deadline() != null && !facts.acknowledgements().get(0).at()
        .isBefore(deadline()))) {
      actions.add("Page on the rollbackguard_recommendation alert so that a recommendation is acknowledged in time");
    }
    return actions;
  }

  /** What the verdict cannot tell: said in the draft, so nobody takes a blank for a fact. */
  List<String> unknowns() {
    List<String> unknowns = new ArrayList<>(List.of(
        "the root cause: rollback-guard sees symptoms (signals, declarations), not causes",
        "the share of users affected and the business impact: it sees signals, not users or revenue",
        "when the incident was declared and closed, and when the root cause was identified",
        "when the rollback was decided, and by whom, beyond the acknowledgements recorded with rollbackguard.io/ack",
        "what was said in the incident channel and on the status page, and when",
        "alerts and reports from other tools (support tickets, uptime checks, customers)"));
    if (facts.rolledBack()) {
      unknowns.add("the bad revision's findings, first breach and exact values: the restored revision's fresh window"
          + " replaced them, and only the recommendations' reasons remain in the timeline");
      if (facts.deadlinePassedAt() == null) {
        unknowns.add("the bad revision's deadline: it is not kept after the rollback");
      }
    }
    if (incident.timeline().size() >= BOUNDED_TIMELINE) {
      unknowns.add("timeline events between the first of each kind and the latest 20, which status does not keep");
    }
    if (incident.options() == null) {
      unknowns.add("the policy's feature flags and database: its spec was not read with the verdict (save the"
          + " RollbackPolicy in the same List)");
    }
    return unknowns;
  }

  private String firstRecommendation() {
    Action first = facts.firstAlert() == null ? null : IncidentFacts.recommendedAction(facts.firstAlert());
    return first == null ? "action on a declaration" : first.name();
  }

  /** The deadline of the bad revision: in status while it is current, else when DeadlinePassed was recorded. */
  private Instant deadline() {
    return !facts.rolledBack() && incident.decideBy() != null ? incident.decideBy() : facts.deadlinePassedAt();
  }

  private static boolean longer(Instant from, Instant to, Duration aim) {
    return Duration.between(from, to).compareTo(aim) > 0;
  }
}
