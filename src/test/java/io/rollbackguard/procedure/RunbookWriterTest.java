package io.rollbackguard.procedure;

import static io.rollbackguard.procedure.TestingIncidents.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.EvaluationState.BoundDeclaration;
import io.rollbackguard.api.status.EvaluationState;
import io.rollbackguard.api.status.FindingState;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.Procedure;
import io.rollbackguard.api.status.Tier;
import io.rollbackguard.verdict.Finding;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunbookWriterTest {
  @Test
  void theStagesMinutesFromDetectionBecomeClockTimes() {
    String md = RunbookWriter.write(new TestingIncidents().build(), at(3, 0));
    assertThat(md).contains("## 1. Detection (0–2 min: 14:31–14:33)", "## 3. Rollback (5–15 min: 14:36–14:46)",
        "## 6. Post-mortem (within 48 h: by 2026-11-29T14:31:00Z)");
  }

  @Test
  void aMomentOtherThanTheClockIsSaidUnderTheTitleAndTheFooterKeepsWhenItWasWritten() {
    AsOf asOf = AsOf.latestIn("checkout.rv.yaml", at(3, 0), at(60 * 87, 0));
    String md = RunbookWriter.write(new TestingIncidents().build(), asOf);
    assertThat(md).startsWith("# Emergency runbook: checkout (namespace shop)\n\nTimes are as of"
        + " 2026-11-27T14:33:00Z, the latest time recorded in checkout.rv.yaml (pass --now to change)."
        + "\n\n**RollbackRapid**")
        .contains("**Decide by 2026-11-27T15:01:00Z: 28 min left** (now 2026-11-27T14:33:00Z)",
            "_Written by rollback-guard at 2026-12-01T05:30:00Z from the status of RolloutVerdict shop/checkout.");
  }

  /** A breach during the watch is a late one: the runbook says the window had closed and the watch was on. */
  @Test
  void aLateBreachDuringTheWatchSaysTheWindowClosedAndTheWatchGoesOn() {
    TestingIncidents t = new TestingIncidents();
    t.watchUntil = at(135, 0);
    assertThat(RunbookWriter.write(t.build(), at(50, 0))).contains("| Phase | Breached; the observation window closed"
        + " at 2026-11-27T14:45:00Z, then watched until 2026-11-27T16:45:00Z (not yet the stable revision) |");
    assertThat(RunbookWriter.write(t.build(), at(150, 0))).contains("| Phase | Breached; the observation window"
        + " closed at 2026-11-27T14:45:00Z, then watched until 2026-11-27T16:45:00Z |");
    t.watchUntil = null;
    assertThat(RunbookWriter.write(t.build(), at(50, 0))).contains("| Phase | Breached; the observation window closed"
        + " at 2026-11-27T14:45:00Z |");
  }

  @Test
  void aWatchedRevisionWithNothingToActOnSaysItIsWatched() {
    TestingIncidents t = new TestingIncidents();
    t.phase = Phase.Watching;
    t.action = Action.None;
    t.tier = null;
    t.reason = "passed its window; watched for late breaches";
    t.procedure = null;
    assertThat(RunbookWriter.write(t.build(), at(50, 0))).contains("Nothing to act on: revision 7 is Watching"
        + " (passed its window; watched for late breaches)");
  }

  @Test
  void liveTheClockGoesWithoutSaying() {
    assertThat(RunbookWriter.write(new TestingIncidents().build(), AsOf.clock(at(3, 0))))
        .isEqualTo(RunbookWriter.write(new TestingIncidents().build(), at(3, 0)))
        .doesNotContain("Times are as of");
  }

  @Test
  void aFeatureFlagRecommendationIsAMitigationAndTheMessagesNameTheFlag() {
    TestingIncidents t = new TestingIncidents();
    t.action = Action.DisableFeatureFlag;
    t.options = new ProcedureOptions(List.of("newCheckout"), null, List.of());
    t.procedure = new Procedure("Disable feature flag(s) newCheckout in checkout", List.of(
        new Procedure.Step("Disable feature flag newCheckout", null)), List.of());
    t.timeline.set(1, new Incident.Event(at(1, 0), "FeatureFlagRecommended",
        "DisableFeatureFlag (rapid): 3 pods of the new revision crash-looping"));
    String md = RunbookWriter.write(t.build(), at(3, 0));
    assertThat(md).contains("## 3. Mitigation (5–15 min", "1. Disable feature flag newCheckout\n",
        "deployment v2.1.0. A fix is in progress.", "Service restored after disabling newCheckout.");
  }

  /** The burn-rate finding the engine writes is the runbook's evidence, worded as on-call reads it. */
  @Test
  void aBurnRateFindingSaysHowFastTheBudgetGoes() {
    io.rollbackguard.verdict.Policy policy = io.rollbackguard.TestingPolicies.policy(
        "  observation: {window: 15m, interval: 30s}\n  slo: {objective: 0.999}\n");
    java.util.Map<String, io.rollbackguard.verdict.MetricReading> metrics = new java.util.HashMap<>();
    java.util.Map.of("errorRate", 0.0, "latencyP95", 0.1, "errorRate@1h", 0.016, "errorRate@5m", 0.021,
        "errorRate@6h", 0.0, "errorRate@30m", 0.0)
        .forEach((k, v) -> metrics.put(k, io.rollbackguard.verdict.MetricReading.of(v)));
    io.rollbackguard.verdict.Verdict v = io.rollbackguard.verdict.VerdictEngine.evaluate(policy,
        EvaluationState.forRollout(null, "7", TestingIncidents.T0.toEpochMilli()),
        new io.rollbackguard.verdict.Observation(metrics, 3, 3, 0, false, null, null, null, null,
            io.rollbackguard.verdict.Observation.target("shop", "checkout")), TestingIncidents.T0.toEpochMilli())
        .verdict();
    TestingIncidents t = new TestingIncidents();
    t.action = v.action();
    t.tier = v.tier();
    t.reason = v.reason();
    t.findings = new java.util.ArrayList<>(v.findings());
    t.timeline.set(1, new Incident.Event(at(0, 0), "RollbackRecommended", "RollbackImmediate (immediate): "
        + v.reason()));
    String md = RunbookWriter.write(t.build(), at(3, 0));
    assertThat(md).contains("error ratio 1.6% over 1h and 2.1% over 5m, above 1.44% (14.4× the budget): error budget"
        + " burning 16× — at this rate the month's budget is gone in 45 h (immediate tier)");
  }

  /** The regression finding is the runbook's evidence: both sides of the comparison, the shift and how sure. */
  @Test
  void aRegressionFindingShowsTheBaselineAgainstTheWindowAndHowSureItIs() {
    io.rollbackguard.verdict.Policy policy = io.rollbackguard.TestingPolicies.policy(
        "  observation: {window: 15m, interval: 30s}\n  tiers: {rapid: {regression: {signal: latencyP95}}}\n");
    double[] baseline = new double[120];
    for (int i = 0; i < baseline.length; i++) {
      baseline[i] = 0.07 + 0.001 * (i % 20); // 70ms to 89ms
    }
    long t0 = TestingIncidents.T0.toEpochMilli();
    EvaluationState state = EvaluationState.forRollout(null, "7", t0);
    io.rollbackguard.verdict.Verdict v = null;
    for (int i = 0; i <= 18; i++) {
      java.util.Map<String, io.rollbackguard.verdict.MetricReading> metrics = java.util.Map.of(
          "errorRate", io.rollbackguard.verdict.MetricReading.of(0),
          "latencyP95", io.rollbackguard.verdict.MetricReading.of(0.15 + 0.001 * i));
      long now = t0 + i * 30_000L;
      io.rollbackguard.verdict.Evaluation e = io.rollbackguard.verdict.VerdictEngine.evaluate(policy, state,
          new io.rollbackguard.verdict.Observation(metrics, 3, 3, 0, false, null, null, null, null,
              io.rollbackguard.verdict.Observation.target("shop", "checkout")),
          new io.rollbackguard.verdict.Sampling(now, java.util.Map.of(now, metrics),
              java.util.Map.of("latencyP95", io.rollbackguard.verdict.BaselineSamples.of(baseline))), now);
      state = e.state();
      v = e.verdict();
    }
    TestingIncidents t = new TestingIncidents();
    t.action = v.action();
    t.tier = v.tier();
    t.reason = v.reason();
    t.findings = new java.util.ArrayList<>(v.findings());
    String md = RunbookWriter.write(t.build(), at(12, 0));
    assertThat(v.action()).isEqualTo(Action.RollbackRapid);
    assertThat(md).contains("**RollbackRapid** (rapid tier): p95 latency ×2.01 against the 1h before the rollout"
        + " (allowed ×1.2): mean 159ms vs 79ms, median 159ms vs 79ms; shift +80ms, at least +74ms at 99.71% confidence"
        + " (p = 2.3e-07 ≤ 0.0029); 10 vs 60 samples.");
  }

  @Test
  void anEvaluationHasNoDeadlineAndLeavesHotfixOrRollbackToPeople() {
    TestingIncidents t = new TestingIncidents();
    t.action = Action.Evaluate;
    t.tier = Tier.evaluate;
    t.decideBy = null;
    t.timeline.set(1, new Incident.Event(at(5, 0), "EvaluationRecommended",
        "Evaluate (evaluate): p95 latency 1.4s > 1s for 5m"));
    String md = RunbookWriter.write(t.build(), at(3, 0));
    assertThat(md).contains("**No deadline**: decide between a hotfix and a rollback.",
        "## 3. Hotfix or rollback (5–15 min", "We are investigating.");
  }

  @Test
  void withoutAStableRevisionTheTargetIsSaidToBeUnverifiedAndTheWarningsShow() {
    TestingIncidents t = new TestingIncidents();
    t.stableRevision = null;
    t.stableImages = List.of();
    t.procedure = new Procedure("Roll back checkout to the previous revision (unverified)", List.of(
        new Procedure.Step("Roll back to the previous revision (unverified)",
            "kubectl rollout undo deployment/checkout -n shop")),
        List.of("Unverified target: no revision has passed its observation window"));
    String md = RunbookWriter.write(t.build(), at(3, 0));
    assertThat(md).contains("| Stable revision | none verified yet: the rollback target is unverified |",
        "> **Warning:** Unverified target: no revision has passed its observation window",
        "Service restored after rolling back to the previous version.");
  }

  @Test
  void aCommandHoldingBackticksStaysOneCodeSpan() {
    TestingIncidents t = new TestingIncidents();
    t.procedure = new Procedure("Roll back", List.of(new Procedure.Step("Restore the pre-deploy backup",
        "pg_restore -d shop backup_`date +%F`.dump")), List.of());
    assertThat(RunbookWriter.write(t.build(), at(3, 0)))
        .contains("1. Restore the pre-deploy backup: ``pg_restore -d shop backup_`date +%F`.dump``");
  }

  @Test
  void aDeclarationIsTheAlertAndTheResolvedCheckSaysItMustBeGone() {
    TestingIncidents t = new TestingIncidents();
    t.action = Action.RollbackImmediate;
    t.findings.clear();
    t.findings.add(new Finding("declaration", Tier.immediate, FindingState.Declared, null, null, null,
        at(0, 40).toEpochMilli(), at(0, 40).toEpochMilli(), "declared security-flaw: card numbers in the logs", null));
    t.declaration = new BoundDeclaration("security-flaw", "card numbers in the logs", "7", at(0, 40).toEpochMilli());
    t.timeline.set(1, new Incident.Event(at(0, 40), "Declared",
        "declared security-flaw: card numbers in the logs (revision 7)"));
    String md = RunbookWriter.write(t.build(), at(3, 0));
    assertThat(md).contains(
        "- [ ] Alert received: declared security-flaw: card numbers in the logs (revision 7), at 14:30:40",
        "- [ ] No longer true: declared security-flaw: card numbers in the logs (immediate tier)");
  }

  @Test
  void withoutAnAcknowledgementItSaysHowToRecordOne() {
    assertThat(RunbookWriter.write(new TestingIncidents().build(), at(3, 0))).contains("- [ ] Say who acts, for"
        + " the timeline: `kubectl annotate deployment/checkout -n shop rollbackguard.io/ack=\"<who>: <note>\"`");
  }

  /** Kubernetes would not accept these names, but a saved file is only text: what is pasted must not run it. */
  @Test
  void namesThatAreNotSafeInAShellAreSingleQuotedInTheCommandsToPaste() {
    Incident hostile = new TestingIncidents().build();
    Incident incident = new Incident("shop $(x)", hostile.policy(), "check'out", hostile.revision(),
        hostile.images(), hostile.phase(), hostile.action(), hostile.tier(), hostile.reason(), hostile.decideBy(),
        hostile.rolloutStartedAt(), hostile.observeUntil(), hostile.watchUntil(), hostile.stableRevision(), hostile.stableImages(),
        hostile.findings(), hostile.procedure(), hostile.timeline(), null, hostile.options(), hostile.metrics());
    assertThat(RunbookWriter.write(incident, at(3, 0))).contains(
        "`kubectl annotate 'deployment/check'\\''out' -n 'shop $(x)' rollbackguard.io/ack=\"<who>: <note>\"`",
        "`kubectl rollout status 'deployment/check'\\''out' -n 'shop $(x)'`",
        "`kubectl get rv 'check'\\''out' -n 'shop $(x)'`",
        "`rollback-guard postmortem -n 'shop $(x)' 'check'\\''out'`");
  }

  @Test
  void aTargetWithNothingRecommendedAndNoRollbackHasNothingToActOn() {
    TestingIncidents t = new TestingIncidents();
    t.action = Action.None;
    t.phase = Phase.Observing;
    t.reason = "observing";
    t.timeline.remove(1);
    assertThat(RunbookWriter.write(t.build(), at(3, 0))).contains("Nothing to act on: revision 7 is Observing"
        + " (observing), with no recommendation and no rollback in its status.").doesNotContain("## 1.");
  }
}
