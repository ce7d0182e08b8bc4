package io.rollbackguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.Tier;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code test --verdict NAME} prints the RolloutVerdict the test ends with, which runbook and postmortem read. */
class TestVerdictTest {
  @TempDir Path dir;

  private static final String POLICY = "apiVersion: rollbackguard.io/v1alpha1\nkind: RollbackPolicy\n"
      + "metadata: {name: checkout, namespace: shop}\nspec:\n  selector: {matchLabels: {app: checkout}}\n";
  private static final String SPIKE = "  - name: error spike rolls back now\n"
      + "    deployment: {name: checkout, revision: 7, stableRevision: 6, replicas: 3,\n"
      + "                 images: {app: 'registry/checkout:v2.1.0'}, stableImages: {app: 'registry/checkout:v2.0.0'}}\n"
      + "    series: {errorRate: '0.06+0x2', latencyP95: '0.2x2'}\n"
      + "    expect: {action: RollbackImmediate, firstActionAt: 60s, decideBy: 6m}\n";
  private static final String ROLLOUT = "2026-11-27T14:30:00Z";

  private Path tests(String... tests) throws IOException {
    Files.writeString(dir.resolve("checkout.yaml"), POLICY);
    Path p = dir.resolve("checkout.test.yaml");
    Files.writeString(p, "policy: checkout.yaml\ntests:\n" + String.join("", tests));
    return p;
  }

  private Path saved(CliRun run) throws IOException {
    Path rv = dir.resolve("rv.yaml");
    Files.writeString(rv, run.out());
    return rv;
  }

  @Test
  void theVerdictIsTheRolloutVerdictTheOperatorWouldRecordAndTheSavedVerdictReaderReadsIt() throws Exception {
    CliRun run = CliRun.of("test", "--verdict", "error spike rolls back now", "--rollout-at", ROLLOUT,
        tests(SPIKE).toString());
    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEqualTo("PASS error spike rolls back now\n");
    assertThat(run.out()).contains("apiVersion: \"rollbackguard.io/v1alpha1\"", "kind: \"RolloutVerdict\"");

    VerdictLookup.Found found = VerdictLookup.fromFile(saved(run), null, null, new PrintWriter(new StringWriter()));
    RolloutVerdict v = found.verdict();
    assertThat(v.getMetadata().getName()).isEqualTo("checkout");
    assertThat(v.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(v.getMetadata().getLabels()).isEqualTo(Map.of(RolloutVerdict.POLICY_LABEL, "checkout"));
    assertThat(v.getSpec().deployment).isEqualTo("checkout");
    assertThat(v.getSpec().policy).isEqualTo("checkout");
    assertThat(v.getStatus().action).isEqualTo(Action.RollbackImmediate);
    assertThat(v.getStatus().tier).isEqualTo(Tier.immediate);
    assertThat(v.getStatus().phase).isEqualTo(Phase.Breached);
    assertThat(v.getStatus().revision).isEqualTo(7);
    assertThat(v.getStatus().stableRevision).isEqualTo(6);
    assertThat(v.getStatus().images).containsExactly("registry/checkout:v2.1.0");
    assertThat(v.getStatus().stableImages).containsExactly("registry/checkout:v2.0.0");
    assertThat(v.getStatus().decideBy).isEqualTo("2026-11-27T14:36:00Z");
    assertThat(v.getStatus().findings).extracting(f -> f.message).contains("error rate 6% > 5% for 1m");
    assertThat(v.getStatus().procedure.mentions("kubectl rollout undo deployment/checkout -n shop --to-revision=6"))
        .isTrue();
  }

  @Test
  void theRunbookRendersFromThePrintedVerdict() throws Exception {
    CliRun run = CliRun.of("test", "--verdict", "error spike rolls back now", "--rollout-at", ROLLOUT,
        tests(SPIKE).toString());
    CliRun runbook = IncidentCommandRun.run(new RunbookCommand(), Instant.parse("2026-11-27T14:33:00Z"),
        "--now", "2026-11-27T14:33:00Z", "--from-file", saved(run).toString());
    assertThat(runbook.err()).isEmpty();
    assertThat(runbook.exitCode()).isZero();
    assertThat(runbook.out()).startsWith("# Emergency runbook: checkout (namespace shop)\n")
        .contains("**RollbackImmediate** (immediate tier): error rate 6% > 5% for 1m.",
            "**Decide by 2026-11-27T14:36:00Z: 3 min left** (now 2026-11-27T14:33:00Z).",
            "| Bad revision | 7: `registry/checkout:v2.1.0`, rolled out 2026-11-27T14:30:00Z |",
            "| Stable revision | 6: `registry/checkout:v2.0.0` |",
            "- error rate 6% > 5% for 1m (immediate tier): fired at 14:31:00, breached since 14:30:00",
            "2. Roll back to revision 6: `kubectl rollout undo deployment/checkout -n shop --to-revision=6`");
    CliRun postmortem = IncidentCommandRun.run(new PostmortemCommand(), Instant.parse("2026-11-27T14:40:00Z"),
        "--from-file", saved(run).toString());
    assertThat(postmortem.exitCode()).isZero();
    assertThat(postmortem.out()).startsWith("# Post-mortem draft: checkout, 2026-11-27\n")
        .contains("revision 7 (registry/checkout:v2.1.0)");
  }

  @Test
  void aFailingTestStillPrintsItsVerdictAndExitsOne() throws IOException {
    CliRun run = CliRun.of("test", "--verdict", "error spike rolls back now",
        tests(SPIKE.replace("action: RollbackImmediate", "action: RollbackRapid")).toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("action: \"RollbackImmediate\"", "rolloutStartedAt: \"1970-01-01T00:00:00Z\"");
    assertThat(run.err()).startsWith("FAIL error spike rolls back now: expected action RollbackRapid, got"
        + " RollbackImmediate;").contains("\n    got: RollbackImmediate (immediate tier)");
  }

  @Test
  void aNameNoTestHasIsInvalidAndTheTestsAreListed() throws IOException {
    CliRun run = CliRun.of("test", "--verdict", "spike", tests(SPIKE).toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("error: no test is named 'spike' in", "(tests: error spike rolls back now)");
  }

  @Test
  void aNameTwoTestsShareIsInvalid() throws IOException {
    CliRun run = CliRun.of("test", "--verdict", "error spike rolls back now", tests(SPIKE, SPIKE).toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("error: 2 tests are named 'error spike rolls back now'");
  }

  @Test
  void aRolloutStartThatIsNotATimeOrOffTheGridIsInvalid() throws IOException {
    Path file = tests(SPIKE);
    CliRun notATime = CliRun.of("test", "--verdict", "error spike rolls back now", "--rollout-at", "yesterday",
        file.toString());
    assertThat(notATime.exitCode()).isEqualTo(2);
    assertThat(notATime.err()).contains("--rollout-at: 'yesterday' is not an RFC 3339 time");
    CliRun offGrid = CliRun.of("test", "--verdict", "error spike rolls back now", "--rollout-at",
        "2026-11-27T14:30:10Z", file.toString());
    assertThat(offGrid.exitCode()).isEqualTo(2);
    assertThat(offGrid.err()).contains("the rollout must start on its sampling grid, a multiple of 30s");
    CliRun withoutVerdict = CliRun.of("test", "--rollout-at", ROLLOUT, file.toString());
    assertThat(withoutVerdict.exitCode()).isEqualTo(2);
    assertThat(withoutVerdict.err()).contains("--rollout-at goes with --verdict");
  }
}
