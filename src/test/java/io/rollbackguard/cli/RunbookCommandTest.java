package io.rollbackguard.cli;

import static io.rollbackguard.cli.IncidentCommandRun.FIXTURES;
import static io.rollbackguard.cli.IncidentCommandRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RunbookCommandTest {
  static final Instant DURING_THE_INCIDENT = Instant.parse("2026-11-27T14:38:00Z");
  static final Instant AFTER_THE_ROLLBACK = Instant.parse("2026-11-27T10:15:00Z");
  /** The clock when a copy saved during the incident is read again for the post-mortem meeting. */
  static final Instant DAYS_LATER = Instant.parse("2026-11-30T17:55:00Z");
  static final String BREACHED = FIXTURES.resolve("checkout-breached.yaml").toString();
  static final String ROLLED_BACK = FIXTURES.resolve("payments-rolled-back.yaml").toString();

  @TempDir Path home;

  static String expected(String name) throws IOException {
    return Files.readString(FIXTURES.resolve(name));
  }

  @Test
  void aBreachedDeploymentGetsTheRunbookWithItsLiveValuesAndTheMostUrgentVerdictIsSaid() throws IOException {
    CliRun r = run(new RunbookCommand(), DURING_THE_INCIDENT, "--from-file", BREACHED);
    assertThat(r.out()).isEqualTo(expected("checkout-breached.runbook.md"));
    assertThat(r.err()).isEqualTo("note: the file holds 2 RolloutVerdicts; showing checkout"
        + " (RollbackImmediate, the most urgent); name another as DEPLOYMENT: checkout, checkout-worker\n");
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void namingTheDeploymentGivesTheSameRunbookWithoutANote() throws IOException {
    CliRun r = run(new RunbookCommand(), DURING_THE_INCIDENT, "--from-file", BREACHED, "-n", "shop", "checkout");
    assertThat(r.out()).isEqualTo(expected("checkout-breached.runbook.md"));
    assertThat(r.err()).isEmpty();
  }

  @Test
  void aRolledBackDeploymentGetsTheRunbookFromVerificationOn() throws IOException {
    CliRun r = run(new RunbookCommand(), AFTER_THE_ROLLBACK, "--from-file", ROLLED_BACK);
    assertThat(r.out()).isEqualTo(expected("payments-rolled-back.runbook.md"));
    assertThat(r.err()).isEmpty();
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void theTimeLeftIsCountedToNowAndTheRunbookSaysNowWasGiven() {
    CliRun late = run(new RunbookCommand(), DAYS_LATER, "--from-file", BREACHED, "checkout",
        "--now", "2026-11-27T14:43:10Z");
    assertThat(late.out()).startsWith("# Emergency runbook: checkout (namespace shop)\n\n"
        + "Times are as of 2026-11-27T14:43:10Z, given with --now.\n\n")
        .contains("**Decide by 2026-11-27T14:41:00Z: passed 2 min ago** (now 2026-11-27T14:43:10Z)",
            "; the observation window runs until 2026-11-27T14:45:00Z |",
            "_Written by rollback-guard at 2026-11-30T17:55:00Z from the status of RolloutVerdict shop/checkout.");
    CliRun close = run(new RunbookCommand(), DAYS_LATER, "--from-file", BREACHED, "checkout",
        "--now=2026-11-27T15:40:30+01:00");
    assertThat(close.out()).contains("**Decide by 2026-11-27T14:41:00Z: less than a minute left**");
    CliRun after = run(new RunbookCommand(), DAYS_LATER, "--from-file", BREACHED, "checkout",
        "--now", "2026-11-27t14:46:00z");
    assertThat(after.out()).contains("**Decide by 2026-11-27T14:41:00Z: passed 5 min ago**",
        "; the observation window closed at 2026-11-27T14:45:00Z |");
  }

  /**
   * Read 87 hours later, a copy saved mid-incident still shows the time left when it was saved: its latest time is the
   * operator's last sample (14:38:00), not the deadline (14:41:00) nor the window's end (14:45:00), which are ahead.
   */
  @Test
  void fromASavedFileTimesAreAsOfTheLatestTimeItRecordsWhateverTheClockAndTheRunbookSaysSo() {
    CliRun r = run(new RunbookCommand(), DAYS_LATER, "--from-file", BREACHED, "checkout");
    assertThat(r.out()).startsWith("# Emergency runbook: checkout (namespace shop)\n\n"
        + "Times are as of 2026-11-27T14:38:00Z, the latest time recorded in checkout-breached.yaml for checkout"
        + " (pass --now to change).\n\n")
        .contains("**Decide by 2026-11-27T14:41:00Z: 3 min left** (now 2026-11-27T14:38:00Z)",
            "_Written by rollback-guard at 2026-11-30T17:55:00Z")
        .doesNotContain("87 h");
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void aSavedVerdictWithoutItsSampleDatesTheRunbookByItsLatestEventAndNeverByItsDeadline() throws IOException {
    String saved = Files.readString(Path.of(BREACHED));
    String withoutSample = saved.replace("      lastSampleAt: 1795790280000\n", "");
    assertThat(withoutSample).isNotEqualTo(saved);
    Path file = home.resolve("checkout.rv.yaml");
    Files.writeString(file, withoutSample);
    CliRun r = run(new RunbookCommand(), DAYS_LATER, "--from-file", file.toString(), "checkout");
    // the evaluate tier's firedAt, 14:37:30, is the latest observation left
    assertThat(r.out()).contains("Times are as of 2026-11-27T14:37:30Z, the latest time recorded in checkout.rv.yaml"
        + " for checkout (pass --now to change).", "**Decide by 2026-11-27T14:41:00Z: 3 min left**");
  }

  @Test
  void aSavedVerdictThatRecordsNoTimeSaysTheClockIsUsed() throws IOException {
    Path file = home.resolve("bare.yaml");
    Files.writeString(file, "apiVersion: rollbackguard.io/v1alpha1\nkind: RolloutVerdict\n"
        + "metadata: {name: cart, namespace: shop}\nstatus: {revision: 3, phase: Observing, action: None}\n");
    CliRun r = run(new RunbookCommand(), DAYS_LATER, "--from-file", file.toString());
    assertThat(r.out()).contains("Times are as of 2026-11-30T17:55:00Z, the clock: no time is recorded in bare.yaml"
        + " for cart (pass --now to change).");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "yesterday           | 'yesterday' is not an RFC 3339 time; write e.g. 2026-11-27T14:38:00Z or"
          + " 2026-11-27T15:38:00+01:00",
      "2026-11-27T14:38:00 | '2026-11-27T14:38:00' is not an RFC 3339 time: it has no offset (add Z for UTC, or one"
          + " such as +01:00); write e.g. 2026-11-27T14:38:00Z or 2026-11-27T15:38:00+01:00",
      "2026-11-31T14:38:00Z | '2026-11-31T14:38:00Z' is not an RFC 3339 time; write e.g. 2026-11-27T14:38:00Z or"
          + " 2026-11-27T15:38:00+01:00"})
  void aBadNowIsAUsageErrorNamingTheOptionWithAnExample(String value, String problem) {
    for (String command : new String[] {"runbook", "postmortem"}) {
      CliRun r = CliRun.of(command, "--from-file", BREACHED, "--now", value);
      assertThat(r.err()).startsWith("Invalid value for option '--now': " + problem + "\n")
          .contains("Usage: rollback-guard " + command);
      assertThat(r.out()).isEmpty();
      assertThat(r.exitCode()).isEqualTo(2);
    }
  }

  @Test
  void aQuietStableDeploymentHasNothingToActOn() {
    CliRun r = run(new RunbookCommand(), DURING_THE_INCIDENT, "--from-file", BREACHED, "checkout-worker");
    // checkout-worker's own status records no time: its policy's latest condition change (14:34:30) dates it
    assertThat(r.out()).startsWith("# Emergency runbook: checkout-worker (namespace shop)\n\n"
        + "Times are as of 2026-11-27T14:34:30Z, the latest time recorded in checkout-breached.yaml for checkout-worker"
        + " (pass --now to change).\n\nNothing to act on:"
        + " revision 12 is Stable, with no recommendation and no rollback in its status.\n");
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void anUnknownDeploymentExitsTwoListingTheVerdictsTheFileHolds() {
    CliRun r = run(new RunbookCommand(), DURING_THE_INCIDENT, "--from-file", BREACHED, "cart");
    assertThat(r.err()).isEqualTo("error: " + BREACHED + " holds no RolloutVerdict cart; it holds shop/checkout,"
        + " shop/checkout-worker\n");
    assertThat(r.out()).isEmpty();
    assertThat(r.exitCode()).isEqualTo(2);
  }

  @Test
  void aFileHoldingTheDeploymentInAnotherNamespaceExitsTwoSayingWhatItHolds() {
    CliRun r = run(new RunbookCommand(), DURING_THE_INCIDENT, "--from-file", BREACHED, "-n", "prod", "checkout");
    assertThat(r.err()).isEqualTo("error: " + BREACHED + " holds no RolloutVerdict prod/checkout; it holds"
        + " shop/checkout, shop/checkout-worker\n");
    assertThat(r.exitCode()).isEqualTo(2);
  }

  @Test
  void aMissingFileExitsTwoOnOneLine() {
    CliRun r = run(new RunbookCommand(), DURING_THE_INCIDENT, "--from-file", home.resolve("saved.yaml").toString());
    assertThat(r.err()).isEqualTo("error: " + home.resolve("saved.yaml") + ": no such file\n");
    assertThat(r.exitCode()).isEqualTo(2);
  }

  @Test
  void aFileThatIsNotAVerdictExitsTwoSayingHowToSaveOne() throws IOException {
    Path deployment = home.resolve("deployment.yaml");
    Files.writeString(deployment, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: checkout}\n");
    CliRun r = run(new RunbookCommand(), DURING_THE_INCIDENT, "--from-file", deployment.toString());
    assertThat(r.err()).isEqualTo("error: " + deployment + " holds no RolloutVerdict; save one"
        + " with: kubectl get rv NAME -n NS -o yaml\n");
    assertThat(r.exitCode()).isEqualTo(2);
  }

  @Test
  void aPolicySavedTheOldWayExitsTwoSayingTheDetailMovedToTheVerdicts() throws IOException {
    Path old = home.resolve("old.yaml");
    Files.writeString(old, "apiVersion: rollbackguard.io/v1alpha1\nkind: RollbackPolicy\n"
        + "metadata: {name: checkout, namespace: shop}\nstatus: {deployments: [{name: checkout, revision: 7}]}\n");
    CliRun r = run(new RunbookCommand(), DURING_THE_INCIDENT, "--from-file", old.toString());
    assertThat(r.err()).isEqualTo("error: " + old + " holds no RolloutVerdict (a RollbackPolicy holds only the"
        + " summary now); save one with: kubectl get rv NAME -n NS -o yaml\n");
    assertThat(r.exitCode()).isEqualTo(2);
  }

  @Test
  void aBrokenFileExitsTwoWithLineAndColumn() throws IOException {
    Path broken = home.resolve("broken.yaml");
    Files.writeString(broken, "kind: RolloutVerdict\nmetadata: {name: checkout\nstatus: {}\n");
    CliRun r = run(new RunbookCommand(), DURING_THE_INCIDENT, "--from-file", broken.toString());
    assertThat(r.err()).startsWith("error: " + broken + ": line 3, column 7: ").doesNotContain("\tat ");
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.exitCode()).isEqualTo(2);
  }

  @Test
  void aVerdictWithoutStatusExitsTwoAskingWhetherTheOperatorRuns() throws IOException {
    Path fresh = home.resolve("fresh.yaml");
    Files.writeString(fresh, "apiVersion: rollbackguard.io/v1alpha1\nkind: RolloutVerdict\n"
        + "metadata: {name: checkout, namespace: shop}\nspec: {deployment: checkout, policy: checkout}\n");
    CliRun r = run(new RunbookCommand(), DURING_THE_INCIDENT, "--from-file", fresh.toString());
    assertThat(r.err()).isEqualTo("error: " + fresh + ": RolloutVerdict shop/checkout has no status yet: is the"
        + " operator running?\n");
    assertThat(r.exitCode()).isEqualTo(2);
  }

  @Test
  void aTimeThatIsNotRfc3339ExitsTwoNamingTheFileTheVerdictAndTheField() throws IOException {
    Path file = home.resolve("edited.yaml");
    Files.writeString(file, Files.readString(Path.of(BREACHED)).replace("- at: \"2026-11-27T14:34:30Z\"",
        "- at: \"27/11/2026 14:34\""));
    CliRun r = run(new RunbookCommand(), DURING_THE_INCIDENT, "--from-file", file.toString(), "checkout");
    assertThat(r.err()).isEqualTo("error: " + file + ": RolloutVerdict shop/checkout: status.timeline[3].at:"
        + " '27/11/2026 14:34' is not an RFC 3339 time (such as 2026-11-27T14:38:00Z)\n");
    assertThat(r.out()).isEmpty();
    assertThat(r.exitCode()).isEqualTo(2);
  }

  @Test
  void aListOfSeveralPoliciesAndTheirVerdictsIsSearchedByNameAndEachVerdictGetsItsOwnPolicy() throws IOException {
    Path list = home.resolve("list.yaml");
    Files.writeString(list, "apiVersion: v1\nkind: List\nitems:\n" + listItems(BREACHED) + listItems(ROLLED_BACK));
    // each verdict is dated by its own times and its policy's, not by the other's in the same file
    CliRun r = run(new RunbookCommand(), AFTER_THE_ROLLBACK, "--from-file", list.toString(), "payments");
    assertThat(r.out()).isEqualTo(expected("payments-rolled-back.runbook.md")
        .replace("payments-rolled-back.yaml for", "list.yaml for"));
    assertThat(r.err()).isEmpty();
    CliRun unnamed = run(new RunbookCommand(), DURING_THE_INCIDENT, "--from-file", list.toString());
    assertThat(unnamed.out()).isEqualTo(expected("checkout-breached.runbook.md")
        .replace("checkout-breached.yaml for", "list.yaml for"));
    assertThat(unnamed.err()).isEqualTo("note: the file holds 3 RolloutVerdicts; showing checkout"
        + " (RollbackImmediate, the most urgent); name another as DEPLOYMENT: checkout, checkout-worker, payments\n");
    assertThat(unnamed.exitCode()).isZero();
  }

  /** The items of a saved List, to be the items of another, the way `kubectl get rv,rbp -A -o yaml` prints many. */
  static String listItems(String file) throws IOException {
    String text = Files.readString(Path.of(file));
    return text.substring(text.indexOf("\nitems:\n") + "\nitems:\n".length());
  }

  @Test
  void withNoClusterConfiguredItExitsTwoSayingWhatToSet() {
    CliRun r = run(new RunbookCommand(), DURING_THE_INCIDENT, Map.of(), home, "-n", "shop", "checkout");
    assertThat(r.err()).isEqualTo("error: no cluster configured: pass --kubeconfig, set KUBECONFIG, "
        + "create ~/.kube/config, or run in a pod with a service account\n");
    assertThat(r.exitCode()).isEqualTo(2);
  }

  @Test
  void anUnreachableApiServerExitsThree() throws IOException {
    Path kubeconfig = TestingKubeconfig.write(home, TestingKubeconfig.UNREACHABLE, null);
    CliRun r = run(new RunbookCommand(), DURING_THE_INCIDENT, Map.of("KUBECONFIG", kubeconfig.toString()), home,
        "-n", "shop", "checkout");
    assertThat(r.err()).startsWith("error: cannot reach the Kubernetes API at https://127.0.0.1:1");
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.exitCode()).isEqualTo(3);
  }

  @Test
  void withoutADeploymentOrAFileItIsAUsageError() {
    CliRun r = run(new RunbookCommand(), DURING_THE_INCIDENT);
    assertThat(r.err()).isEqualTo("error: name the Deployment (runbook -n NS DEPLOYMENT), or pass --from-file\n");
    assertThat(r.exitCode()).isEqualTo(2);
  }

  @Test
  void helpShowsExamplesThroughTheRealEntryPoint() {
    CliRun r = CliRun.of("runbook", "--help");
    assertThat(r.out()).contains("Usage: rollback-guard runbook", "[DEPLOYMENT]", "--from-file=VERDICT.yaml",
        "Examples:", "rollback-guard runbook -n shop checkout",
        "kubectl get rv checkout -n shop -o yaml > checkout.yaml", "rollback-guard runbook --from-file checkout.yaml",
        "--now=TIME", "RFC 3339",
        "Exit codes:").doesNotContain("POLICY", "kubectl get rbp");
    assertThat(r.exitCode()).isZero();
  }
}
