package io.rollbackguard.cli;

import static io.rollbackguard.cli.IncidentCommandRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostmortemCommandTest {
  static final Instant DURING_THE_INCIDENT = RunbookCommandTest.DURING_THE_INCIDENT;
  static final Instant AFTER_THE_ROLLBACK = RunbookCommandTest.AFTER_THE_ROLLBACK;

  @TempDir Path home;

  @Test
  void aRolledBackTargetGetsTheDraftWithItsTimelineAndWhatToImprove() throws IOException {
    CliRun r = run(new PostmortemCommand(), AFTER_THE_ROLLBACK, "--from-file", RunbookCommandTest.ROLLED_BACK,
        "payments", "payments");
    assertThat(r.out()).isEqualTo(RunbookCommandTest.expected("payments-rolled-back.postmortem.md"));
    assertThat(r.err()).isEmpty();
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void aTargetStillBreachedGetsADraftOfAnOngoingIncident() throws IOException {
    CliRun r = run(new PostmortemCommand(), DURING_THE_INCIDENT, "--from-file", RunbookCommandTest.BREACHED,
        "checkout", "checkout");
    assertThat(r.out()).isEqualTo(RunbookCommandTest.expected("checkout-breached.postmortem.md"));
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void aSavedObjectWithoutSpecSaysFeatureFlagsAndDatabaseAreUnknown() throws IOException {
    String withoutSpec = Files.readString(Path.of(RunbookCommandTest.ROLLED_BACK))
        .replaceAll("(?s)\nspec:\n.*?\nstatus:\n", "\nstatus:\n");
    Path file = home.resolve("no-spec.yaml");
    Files.writeString(file, withoutSpec);
    CliRun r = run(new PostmortemCommand(), AFTER_THE_ROLLBACK, "--from-file", file.toString());
    assertThat(r.out()).contains(
        "- The saved object holds no spec: whether the policy declared a feature flag or a database migration is"
            + " unknown.",
        "- The policy's feature flags and database: the saved object holds no spec.")
        .doesNotContain("No feature flag is declared", "irreversible");
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void withNoClusterConfiguredItExitsTwo() {
    CliRun r = run(new PostmortemCommand(), AFTER_THE_ROLLBACK, Map.of(), home, "-n", "shop", "payments");
    assertThat(r.err()).startsWith("error: no cluster configured");
    assertThat(r.exitCode()).isEqualTo(2);
  }

  @Test
  void aMissingFileExitsTwo() {
    CliRun r = run(new PostmortemCommand(), AFTER_THE_ROLLBACK, "--from-file", home.resolve("x.yaml").toString());
    assertThat(r.err()).isEqualTo("error: " + home.resolve("x.yaml") + ": no such file\n");
    assertThat(r.exitCode()).isEqualTo(2);
  }

  @Test
  void helpShowsExamplesThroughTheRealEntryPoint() {
    CliRun r = CliRun.of("postmortem", "--help");
    assertThat(r.out()).contains("Usage: rollback-guard postmortem", "Examples:",
        "rollback-guard postmortem -n shop payments", "Exit codes:");
    assertThat(r.exitCode()).isZero();
  }
}
