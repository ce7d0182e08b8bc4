package io.rollbackguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DemoCommandTest {
  @Test
  void theDemoTellsTheWholeStoryAndEndsWithTheProcedureToTheStableRevision() {
    CliRun run = CliRun.of("demo");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .containsPattern("(?m)^NAME {7}TARGETS {3}ACTION +DECIDE-BY +REASON +AGE$")
        .containsSubsequence("all 1 stable", "observing revision 2", "all 1 stable",
            "RollbackRapid", "crash-looping", "RollbackImmediate", "declared security-flaw",
            "revision 4", "error rate 2% > 1%", "error rate 7% > 5%")
        .contains("query: (sum by (deployment) (rate(http_requests_total{namespace=\"shop\",deployment=~\"checkout\"")
        .contains("kubectl rollout undo deployment/checkout -n shop --to-revision=2")
        .contains("Timeline of checkout:", "RolloutObserved", "ObservationPassed", "Escalated",
            "DeclarationNotApplied");
  }
}
