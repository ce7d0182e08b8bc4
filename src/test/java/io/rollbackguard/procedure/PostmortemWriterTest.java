package io.rollbackguard.procedure;

import static io.rollbackguard.procedure.TestingIncidents.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollbackguard.api.status.EvaluationState.BoundDeclaration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostmortemWriterTest {
  @Test
  void rowsOfAnIncidentThatCrossesMidnightCarryTheirDate() {
    TestingIncidents t = new TestingIncidents();
    t.event(at(9 * 60 + 45, 0), "Acknowledged", "carol: on it");
    String md = PostmortemWriter.write(t.build(), at(10 * 60, 0));
    assertThat(md).contains("| 14:30:00 | Deploy |", "| 2026-11-28 00:15:00 | Acknowledged | carol: on it |");
  }

  @Test
  void anOpenIncidentLastsUntilTheMomentTheDraftIsForNotUntilItIsWritten() {
    String md = PostmortemWriter.write(new TestingIncidents().build(),
        AsOf.given(at(95, 0), at(60 * 87, 0)));
    assertThat(md).startsWith("# Post-mortem draft: checkout, 2026-11-27\n\nTimes are as of 2026-11-27T16:05:00Z,"
        + " given with --now.\n\nDrafted by rollback-guard at 2026-12-01T05:30:00Z from the status")
        .contains("- **Duration:** ongoing: 1 h 35 min since the rollout, no rollback observed yet\n",
            "- No rollback observed yet, 1 h 34 min after the first recommendation.\n");
  }

  @Test
  void aDeclaredCauseIsQuotedAndQuestioned() {
    TestingIncidents t = new TestingIncidents();
    t.declaration = new BoundDeclaration("data-corruption", "orders without totals", "7", at(2, 0).toEpochMilli());
    String md = PostmortemWriter.write(t.build(), at(5, 0));
    assertThat(md).contains("- **Cause:** _To fill._ (declared data-corruption: orders without totals)",
        "- The incident commander declared data-corruption (“orders without totals”): what in revision 7 caused it?");
  }

  @Test
  void aDeclarationAgainstAnEarlierRevisionIsNotThisIncidentsCause() {
    TestingIncidents t = new TestingIncidents();
    t.declaration = new BoundDeclaration("data-corruption", null, "5", at(-60, 0).toEpochMilli());
    assertThat(PostmortemWriter.write(t.build(), at(5, 0))).doesNotContain("declared data-corruption");
  }

  @Test
  void declaredFeatureFlagsAndReversibleMigrationsRaiseNoQuestion() {
    TestingIncidents t = new TestingIncidents();
    t.options = new ProcedureOptions(List.of("newCheckout"),
        new ProcedureOptions.Database("postgres", true, "npm run db:migrate:rollback", null), List.of());
    assertThat(PostmortemWriter.write(t.build(), at(5, 0))).doesNotContain("No feature flag", "irreversible",
        "Make the database migrations reversible");
  }

  @Test
  void withoutAcknowledgementTheDraftAsksWhoPickedItUp() {
    TestingIncidents t = new TestingIncidents();
    t.event(at(31, 0), "DeadlinePassed", "RollbackRapid was to be decided by now");
    String md = PostmortemWriter.write(t.build(), at(40, 0));
    assertThat(md).contains("- No acknowledgement was recorded (rollbackguard.io/ack): who picked the recommendation"
        + " up, and when? Its deadline passed at 15:01:00.",
        "| Page on the rollbackguard_recommendation alert so that a recommendation is acknowledged in time |");
  }

  @Test
  void aSlowDetectionIsAQuestionNotAnAchievement() {
    TestingIncidents t = new TestingIncidents();
    t.timeline.set(1, new Incident.Event(at(9, 0), "RollbackRecommended", "RollbackRapid (rapid): slow"));
    String md = PostmortemWriter.write(t.build(), at(12, 0));
    assertThat(md).contains("- The first recommendation came 9 min after the rollout: would tighter criteria or a"
        + " canary (5% of traffic first) have caught it sooner?").doesNotContain("Detected within 5 minutes");
  }

  @Test
  void aLongTimelineSaysEventsMayBeMissing() {
    TestingIncidents t = new TestingIncidents();
    for (int i = 0; i < 19; i++) {
      t.event(at(2, i), "DeclarationNote", "note " + i);
    }
    assertThat(PostmortemWriter.write(t.build(), at(5, 0)))
        .contains("- Timeline events between the first of each kind and the latest 20, which status does not keep.");
  }

  @Test
  void aDismissedRecommendationIsQuestioned() {
    TestingIncidents t = new TestingIncidents();
    t.event(at(4, 0), "Dismissed", "RollbackRapid for revision 7 dismissed");
    assertThat(PostmortemWriter.write(t.build(), at(5, 0))).contains("- A recommendation was dismissed at 14:34:00"
        + " (RollbackRapid for revision 7 dismissed): was that right?");
  }

  @Test
  void aTableCellKeepsAPipeInsideItsCell() {
    TestingIncidents t = new TestingIncidents();
    t.event(at(2, 0), "Acknowledged", "dave: a|b");
    assertThat(PostmortemWriter.write(t.build(), at(5, 0))).contains("| 14:32:00 | Acknowledged | dave: a\\|b |");
  }
}
