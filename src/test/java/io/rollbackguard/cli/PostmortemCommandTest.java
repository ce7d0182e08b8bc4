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
  static final Instant DAYS_LATER = RunbookCommandTest.DAYS_LATER;

  @TempDir Path home;

  @Test
  void aRolledBackDeploymentGetsTheDraftWithItsTimelineAndWhatToImprove() throws IOException {
    CliRun r = run(new PostmortemCommand(), AFTER_THE_ROLLBACK, "--from-file", RunbookCommandTest.ROLLED_BACK,
        "payments");
    assertThat(r.out()).isEqualTo(RunbookCommandTest.expected("payments-rolled-back.postmortem.md"));
    assertThat(r.err()).isEmpty();
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void aDeploymentStillBreachedGetsADraftOfAnOngoingIncident() throws IOException {
    CliRun r = run(new PostmortemCommand(), DURING_THE_INCIDENT, "--from-file", RunbookCommandTest.BREACHED,
        "checkout");
    assertThat(r.out()).isEqualTo(RunbookCommandTest.expected("checkout-breached.postmortem.md"));
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void anOngoingIncidentLastsUntilNow() {
    CliRun given = run(new PostmortemCommand(), DAYS_LATER, "--from-file", RunbookCommandTest.BREACHED, "checkout",
        "--now", "2026-11-27T16:25:00Z");
    assertThat(given.out()).contains("Times are as of 2026-11-27T16:25:00Z, given with --now.\n",
        "- **Duration:** ongoing: 1 h 55 min since the rollout, no rollback observed yet\n",
        "- No rollback observed yet, 1 h 50 min after the first recommendation.\n",
        "Drafted by rollback-guard at 2026-11-30T17:55:00Z");
    assertThat(given.exitCode()).isZero();
  }

  /** The case: a copy saved mid-incident, drafted days later, said the incident had lasted 87 h. */
  @Test
  void fromASavedFileAnOngoingIncidentLastsUntilTheLatestTimeTheFileRecords() {
    CliRun saved = run(new PostmortemCommand(), DAYS_LATER, "--from-file", RunbookCommandTest.BREACHED, "checkout");
    assertThat(saved.out()).startsWith("# Post-mortem draft: checkout, 2026-11-27\n\nTimes are as of"
        + " 2026-11-27T14:38:00Z, the latest time recorded in checkout-breached.yaml for checkout (pass --now to"
        + " change).\n\n")
        .contains("- **Duration:** ongoing: 8 min since the rollout, no rollback observed yet\n")
        .doesNotContain("87 h");
  }

  @Test
  void aQuietDeploymentHasNoIncidentToWriteUpUnlessForced() {
    CliRun quiet = run(new PostmortemCommand(), DURING_THE_INCIDENT, "--from-file", RunbookCommandTest.BREACHED,
        "checkout-worker");
    assertThat(quiet.err()).isEqualTo("checkout-worker: no incident to write up (no recommendation and no"
        + " lastIncident in its RolloutVerdict); pass --force to draft one anyway\n");
    assertThat(quiet.out()).isEmpty();
    assertThat(quiet.exitCode()).isEqualTo(1);

    CliRun forced = run(new PostmortemCommand(), DURING_THE_INCIDENT, "--from-file", RunbookCommandTest.BREACHED,
        "checkout-worker", "--force");
    assertThat(forced.out()).startsWith("# Post-mortem draft: checkout-worker, ")
        .contains("- **Detection:** no recommendation recorded\n");
    assertThat(forced.err()).isEmpty();
    assertThat(forced.exitCode()).isZero();
  }

  @Test
  void aRollbackTheTimelineRecordsIsAnIncidentEvenWithoutALastIncident() throws IOException {
    String saved = Files.readString(Path.of(RunbookCommandTest.ROLLED_BACK));
    String without = saved.replaceAll("(?s)\n    lastIncident:\n.*?\n(- apiVersion)", "\n$1");
    assertThat(without).doesNotContain("lastIncident:").contains("event: RolledBack");
    Path file = home.resolve("without-last-incident.yaml");
    Files.writeString(file, without);
    CliRun r = run(new PostmortemCommand(), AFTER_THE_ROLLBACK, "--from-file", file.toString());
    assertThat(r.out()).contains("- **Duration:** 52 min 40 s, from the rollout to the rollback observed at"
        + " 2026-11-27T09:52:40Z");
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void aVerdictSavedWithoutItsPolicySaysFeatureFlagsAndDatabaseAreUnknown() throws IOException {
    Path file = home.resolve("verdict-only.yaml");
    Files.writeString(file, withoutThePolicy(Files.readString(Path.of(RunbookCommandTest.ROLLED_BACK))));
    CliRun r = run(new PostmortemCommand(), AFTER_THE_ROLLBACK, "--from-file", file.toString());
    assertThat(r.out()).contains(
        "- The RollbackPolicy's spec was not read with the verdict: whether the policy declared a feature flag or a"
            + " database migration is unknown.",
        "- The policy's feature flags and database: its spec was not read with the verdict (save the RollbackPolicy"
            + " in the same List).",
        "- **Change:** revision 12 (`registry.example/payments:v3.5.0`)")
        .doesNotContain("No feature flag is declared", "irreversible", "No Prometheus configured");
    assertThat(r.err()).isEmpty();
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void afterARollbackTheImpactIsTheRolledBackRevisionsFindingsWhenTheTimelineLostItsRecommendations()
      throws IOException {
    String saved = Files.readString(Path.of(RunbookCommandTest.ROLLED_BACK));
    String trimmed = saved.replaceAll("(?m)^    - at: \"[^\"]+\"\n      event: RollbackRecommended\n"
        + "      message: .*\n", "");
    assertThat(trimmed).doesNotContain("event: RollbackRecommended").contains("lastIncident:");
    Path file = home.resolve("trimmed.yaml");
    Files.writeString(file, trimmed);
    CliRun r = run(new PostmortemCommand(), AFTER_THE_ROLLBACK, "--from-file", file.toString());
    assertThat(r.out()).contains("- **Impact (from the findings):**\n  - 2 pods of the new revision crash-looping\n",
        "- What caused “2 pods of the new revision crash-looping”?");
    // without lastIncident, nothing is left to say what was seen
    Path without = home.resolve("without-last-incident.yaml");
    Files.writeString(without, trimmed.replaceAll("(?s)\n    lastIncident:\n.*?\n(- apiVersion)", "\n$1"));
    CliRun bare = run(new PostmortemCommand(), AFTER_THE_ROLLBACK, "--from-file", without.toString());
    assertThat(bare.out()).contains("- **Impact (from the findings):**\n  - nothing recorded by rollback-guard\n");
  }

  @Test
  void aRolloutAfterTheRollbackDoesNotInheritTheRolledBackRevisionsFindings() throws IOException {
    String saved = Files.readString(Path.of(RunbookCommandTest.ROLLED_BACK));
    String next = saved.replaceFirst("\n    revision: 13\n    images:\n    - registry.example/payments:v3.4.0\n",
        "\n    revision: 14\n    images:\n    - registry.example/payments:v3.6.0\n").replace(
        "      message: revision 13 passed its window\n", "      message: revision 13 passed its window\n"
            + "    - at: \"2026-11-27T11:00:00Z\"\n      event: RolloutObserved\n"
            + "      message: revision 14 (registry.example/payments:v3.6.0)\n");
    assertThat(next).contains("revision 14 (registry.example/payments:v3.6.0)", "resolution: RolledBack");
    Path file = home.resolve("next.yaml");
    Files.writeString(file, next);
    CliRun r = run(new PostmortemCommand(), AFTER_THE_ROLLBACK.plusSeconds(3600), "--from-file", file.toString());
    assertThat(r.out()).contains("- **Change:** revision 14 (`registry.example/payments:v3.6.0`)",
        "- **Impact (from the findings):**\n  - nothing recorded by rollback-guard\n")
        .doesNotContain("crash-looping");
  }

  /** The verdict alone, as `kubectl get rv payments -n shop -o yaml` saves it: the List's first item, unindented. */
  static String withoutThePolicy(String list) {
    String items = list.substring(list.indexOf("\nitems:\n") + "\nitems:\n".length());
    String first = items.substring(0, items.indexOf("\n- ", 1) + 1);
    return first.substring(2).replace("\n  ", "\n");
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
        "rollback-guard postmortem -n shop payments", "--now=TIME", "--force", "Exit codes:",
        "1 no incident to write up");
    assertThat(r.exitCode()).isZero();
  }
}
