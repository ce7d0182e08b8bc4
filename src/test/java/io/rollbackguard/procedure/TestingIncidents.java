package io.rollbackguard.procedure;

import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.EvaluationState.BoundDeclaration;
import io.rollbackguard.api.status.FindingState;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.Procedure;
import io.rollbackguard.api.status.Tier;
import io.rollbackguard.procedure.Incident.Event;
import io.rollbackguard.verdict.Finding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Incidents built the way a status holds them: checkout revision 7 (v2.1.0) rolled out at 14:30, stable revision 6
 * (v2.0.0); each test changes what its behaviour is about.
 */
final class TestingIncidents {
  static final Instant T0 = Instant.parse("2026-11-27T14:30:00Z");

  Long revision = 7L;
  List<String> images = List.of("registry.example/checkout:v2.1.0");
  Phase phase = Phase.Breached;
  Action action = Action.RollbackRapid;
  Tier tier = Tier.rapid;
  String reason = "3 pods of the new revision crash-looping";
  Instant decideBy = at(31, 0);
  Long stableRevision = 6L;
  List<String> stableImages = List.of("registry.example/checkout:v2.0.0");
  List<Finding> findings = new ArrayList<>(List.of(new Finding("crashLooping", Tier.rapid, FindingState.Fired, 3.0,
      null, null, at(1, 0).toEpochMilli(), at(1, 0).toEpochMilli(), "3 pods of the new revision crash-looping",
      null)));
  Procedure procedure = new Procedure("Roll back checkout to revision 6", List.of(
      new Procedure.Step("Roll back to revision 6", "kubectl rollout undo deployment/checkout -n shop --to-revision=6")),
      List.of());
  List<Event> timeline = new ArrayList<>(List.of(
      new Event(T0, "RolloutObserved", "revision 7 (registry.example/checkout:v2.1.0)"),
      new Event(at(1, 0), "RollbackRecommended", "RollbackRapid (rapid): 3 pods of the new revision crash-looping")));
  BoundDeclaration declaration;
  Instant watchUntil;
  ProcedureOptions options = ProcedureOptions.NONE;
  Incident.MetricsCondition metrics = new Incident.MetricsCondition("True", "Available", "every used signal has data");

  /** {@code minutes}:{@code seconds} after the rollout. */
  static Instant at(int minutes, int seconds) {
    return T0.plusSeconds(minutes * 60L + seconds);
  }

  TestingIncidents event(Instant at, String kind, String message) {
    timeline.add(new Event(at, kind, message));
    return this;
  }

  Incident build() {
    return new Incident("shop", "checkout", "checkout", revision, images, phase, action, tier, reason, decideBy, T0,
        at(15, 0), watchUntil, stableRevision, stableImages, findings, procedure, timeline, declaration, options, metrics);
  }
}
