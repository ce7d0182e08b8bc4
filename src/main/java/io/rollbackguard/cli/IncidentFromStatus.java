package io.rollbackguard.cli;

import io.fabric8.kubernetes.api.model.Condition;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.api.spec.ProcedureSpec;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.FindingStatus;
import io.rollbackguard.api.status.LastIncident;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.api.status.TimelineEntry;
import io.rollbackguard.procedure.Incident;
import io.rollbackguard.procedure.IncidentFacts;
import io.rollbackguard.procedure.ProcedureOptions;
import io.rollbackguard.verdict.Finding;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a RolloutVerdict (and its policy, when known) into the plain {@link Incident} the writers render. After a
 * rollback, when the restored revision has no findings of its own, the evidence is the rolled-back revision's, kept in
 * status.lastIncident.
 */
final class IncidentFromStatus {
  private IncidentFromStatus() {}

  static Incident of(RolloutVerdict verdict, RollbackPolicy policy) throws VerdictLookup.LookupException {
    RolloutVerdictStatus d = verdict.getStatus();
    if (d == null) {
      throw new VerdictLookup.LookupException(RollbackGuard.INVALID, "RolloutVerdict " + VerdictLookup.id(verdict)
          + " has no status yet: is the operator running?");
    }
    String at = "RolloutVerdict " + VerdictLookup.id(verdict) + ": status.";
    List<FindingStatus> evidence = d.findings;
    String evidenceAt = at + "findings";
    if ((evidence == null || evidence.isEmpty()) && rolledBackFrom(d)) {
      evidence = d.lastIncident.findings;
      evidenceAt = at + "lastIncident.findings";
    }
    List<Finding> findings = new ArrayList<>();
    List<FindingStatus> kept = evidence == null ? List.of() : evidence;
    for (int i = 0; i < kept.size(); i++) {
      FindingStatus f = kept.get(i);
      String field = evidenceAt + "[" + i + "]";
      findings.add(new Finding(f.signal, f.tier, f.state, f.observed, f.threshold, null,
          millis(field + ".since", f.since), millis(field + ".firedAt", f.firedAt), f.message, f.query));
    }
    List<Incident.Event> timeline = new ArrayList<>();
    List<TimelineEntry> entries = d.timeline == null ? List.of() : d.timeline;
    for (int i = 0; i < entries.size(); i++) {
      TimelineEntry e = entries.get(i);
      Instant when = time(at + "timeline[" + i + "].at", e.at);
      if (when != null && e.event != null) {
        timeline.add(new Incident.Event(when, e.event, e.message == null ? "" : e.message));
      }
    }
    String policyName = verdict.getSpec() == null ? null : verdict.getSpec().policy;
    return new Incident(verdict.getMetadata().getNamespace(), policyName, verdict.getMetadata().getName(), d.revision,
        d.images, d.phase, d.action, d.tier, d.reason, time(at + "decideBy", d.decideBy),
        time(at + "rolloutStartedAt", d.rolloutStartedAt), time(at + "observeUntil", d.observeUntil),
        time(at + "watchUntil", d.watchUntil),
        d.stableRevision, d.stableImages, findings, d.procedure, timeline,
        d.evaluation == null ? null : d.evaluation.declaration, options(policy), metrics(policy));
  }

  /**
   * Whether the verdict tells of an incident to write up: an action recommended now; a lastIncident, which the
   * operator keeps for the latest revision that had an action (rolled back, dismissed or superseded) until the next; or,
   * in a copy without one, a recommendation, declaration or rollback in the timeline since the current rollout. A
   * verdict with none of these is a quiet Deployment: a post-mortem of it would be a form with nothing in it.
   */
  static boolean hasIncident(RolloutVerdict verdict, Incident incident) {
    RolloutVerdictStatus d = verdict.getStatus();
    if (d == null) {
      return false;
    }
    if ((d.action != null && d.action != Action.None) || d.lastIncident != null) {
      return true;
    }
    IncidentFacts facts = IncidentFacts.of(incident);
    return facts.rolledBack() || facts.firstAlert() != null;
  }

  /**
   * Whether the current revision is the one a rollback restored from the last incident's revision: the incident was
   * resolved by a rollback, and no rollout was observed since (IncidentFacts reads the timeline by the same rule). A
   * rollback long past, followed by a new rollout, is not this revision's evidence.
   */
  private static boolean rolledBackFrom(RolloutVerdictStatus d) {
    if (d.lastIncident == null || d.lastIncident.resolution != LastIncident.Resolution.RolledBack
        || d.timeline == null) {
      return false;
    }
    String last = null;
    for (TimelineEntry e : d.timeline) {
      if ("RolloutObserved".equals(e.event) || "RolledBack".equals(e.event)) {
        last = e.event;
      }
    }
    return "RolledBack".equals(last);
  }

  /** The policy's spec.procedure; null when the policy or its spec was not read: the writers say it is unknown. */
  private static ProcedureOptions options(RollbackPolicy policy) {
    if (policy == null || policy.getSpec() == null) {
      return null;
    }
    ProcedureSpec p = policy.getSpec().procedure;
    if (p == null) {
      return ProcedureOptions.NONE;
    }
    ProcedureOptions.Database db = p.database == null ? null : new ProcedureOptions.Database(p.database.engine,
        Boolean.TRUE.equals(p.database.migrationsReversible), p.database.migrateDownCommand, p.database.restoreCommand);
    return new ProcedureOptions(p.featureFlags, db, p.extraSteps);
  }

  private static Incident.MetricsCondition metrics(RollbackPolicy policy) {
    if (policy == null || policy.getStatus() == null || policy.getStatus().conditions == null) {
      return null;
    }
    for (Condition c : policy.getStatus().conditions) {
      if ("MetricsAvailable".equals(c.getType())) {
        return new Incident.MetricsCondition(c.getStatus(), c.getReason(), c.getMessage());
      }
    }
    return null;
  }

  private static Instant time(String field, String text) throws VerdictLookup.LookupException {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new VerdictLookup.LookupException(RollbackGuard.INVALID, field + ": '" + text
          + "' is not an RFC 3339 time (such as 2026-11-27T14:38:00Z)");
    }
  }

  private static Long millis(String field, String text) throws VerdictLookup.LookupException {
    Instant t = time(field, text);
    return t == null ? null : t.toEpochMilli();
  }
}
