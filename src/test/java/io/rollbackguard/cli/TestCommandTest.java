package io.rollbackguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCommandTest {
  @TempDir Path dir;

  private static final String POLICY = "apiVersion: rollbackguard.io/v1alpha1\nkind: RollbackPolicy\n"
      + "metadata: {name: checkout, namespace: shop}\nspec:\n  selector: {matchLabels: {app: checkout}}\n";

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private Path testFile(String expect) throws IOException {
    write("checkout.yaml", POLICY);
    return write("checkout.test.yaml", "policy: checkout.yaml\ntests:\n"
        + "  - name: spike\n    interval: 30s\n"
        + "    deployment: {name: checkout, namespace: shop, revision: 7, stableRevision: 6}\n"
        + "    series:\n      errorRate: [0.06, 0.06, 0.07]\n      latencyP95: [0.1, 0.1, 0.1]\n"
        + "    expect: " + expect + "\n");
  }

  @Test
  void testAndRunbookRefuseAFileOverMaxFileSizeAndSaySo() {
    CliRun tooSmall = CliRun.of("test", "--max-file-size", "100", "examples/checkout.test.yaml");
    assertThat(tooSmall.exitCode()).isEqualTo(2);
    assertThat(tooSmall.err()).contains("examples/checkout.test.yaml").contains("--max-file-size");
    assertThat(CliRun.of("test", "--max-file-size", "1Mi", "examples/checkout.test.yaml").exitCode()).isZero();
    CliRun runbook = CliRun.of("runbook", "--max-file-size", "100", "--from-file",
        "src/test/resources/incident/checkout-breached.yaml", "checkout");
    assertThat(runbook.exitCode()).isNotZero();
    assertThat(runbook.err()).contains("--max-file-size");
  }

  @Test
  void everyExampleInTheRepositoryPasses() {
    CliRun run = CliRun.of("test", "examples");
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).doesNotContain("FAIL").containsPattern("(?m)^[1-9][0-9]* passed, 0 failed$");
  }

  @Test
  void aPassingTestPrintsPassAndTheCount() throws IOException {
    CliRun run = CliRun.of("test", testFile("{action: RollbackImmediate, firstActionAt: 60s, decideBy: 6m, "
        + "procedureContains: ['--to-revision=6']}").toString());
    assertThat(run.out()).isEqualTo("PASS spike\n1 passed, 0 failed\n");
    assertThat(run.exitCode()).isZero();
  }

  @Test
  void aWrongExpectationFailsWithEveryMismatchAndTheFindings() throws IOException {
    CliRun run = CliRun.of("test", testFile("{action: RollbackRapid, decideBy: 32m, firstActionAt: 30s}").toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("FAIL spike: expected action RollbackRapid, got RollbackImmediate;"
        + " expected decideBy 32m, got 6m; expected RollbackRapid first at 30s, got never\n",
        "\n    findings:\n      - immediate errorRate Fired at 1m (breached since 0s): error rate 7% > 5% for 1m"
            + " (value 0.07, threshold 0.05)\n",
        "\n    procedure: Roll back checkout to revision 6\n",
        "\n      2. Roll back to revision 6: kubectl rollout undo deployment/checkout -n shop --to-revision=6\n");
    assertThat(run.out()).endsWith("0 passed, 1 failed\n");
  }

  @Test
  void aMalformedTestFileExitsTwoNamingTheFile() throws IOException {
    write("checkout.yaml", POLICY);
    Path bad = write("bad.test.yaml", "policy: checkout.yaml\ntests:\n  - name: x\n    deployment: {name: c}\n"
        + "    series: {errorRate: [0.1, lots]}\n    expect: {action: None}\n");
    CliRun run = CliRun.of("test", bad.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(bad.toString(), "tests[0].series.errorRate[1]: 'lots' is not a value");
  }

  @Test
  void anUnknownSeriesNameIsInvalidNotSilentlyNoData() throws IOException {
    write("checkout.yaml", POLICY);
    Path bad = write("typo.test.yaml", "policy: checkout.yaml\ntests:\n  - name: x\n    deployment: {name: c}\n"
        + "    series: {errorrate: [0.1]}\n    expect: {action: None}\n");
    CliRun run = CliRun.of("test", bad.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("series.errorrate: unknown signal");
  }

  @Test
  void anInvalidPolicyExitsTwoNamingThePolicyFile() throws IOException {
    write("checkout.yaml", POLICY + "  observation: {window: forever}\n");
    Path test = write("t.test.yaml", "policy: checkout.yaml\ntests:\n  - name: x\n    deployment: {name: c}\n"
        + "    series: {availableReplicas: [1]}\n    expect: {action: None}\n");
    CliRun run = CliRun.of("test", test.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("checkout.yaml: spec.observation.window: 'forever' is not a duration");
  }

  @Test
  void anInvalidFileWinsOverAFailedTest() throws IOException {
    Path failing = testFile("{action: None}");
    Path missing = dir.resolve("missing.test.yaml");
    CliRun run = CliRun.of("test", failing.toString(), missing.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).contains("FAIL spike", "0 passed, 1 failed");
  }

  @Test
  void aDeploymentThePolicyWouldNotSelectIsAnInvalidTest() throws IOException {
    write("checkout.yaml", POLICY);
    Path test = write("cart.test.yaml", "policy: checkout.yaml\ntests:\n  - name: cart spike\n"
        + "    deployment: {name: cart, labels: {app: cart}}\n"
        + "    series: {errorRate: [0.06, 0.06, 0.06]}\n    expect: {action: RollbackImmediate}\n");
    CliRun run = CliRun.of("test", test.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).doesNotContain("PASS");
    assertThat(run.err()).isEqualTo("error: " + test + ": tests[0].deployment.labels: {app=cart} is not selected by"
        + " the policy's selector (app=checkout): the policy would never judge this Deployment (leave labels out to"
        + " get labels it selects), in test 'cart spike'\n");
  }

  @Test
  void aPlainDotNanIsNoDataNotAMalformedNumber() throws IOException {
    write("checkout.yaml", POLICY);
    Path test = write("nan.test.yaml", "policy: checkout.yaml\ntests:\n  - name: no data\n"
        + "    deployment: {name: checkout}\n"
        + "    series:\n      errorRate: [.nan, .NaN, nan]\n      latencyP95: [.nan]\n"
        + "    expect: {action: None, phase: Observing}\n");
    CliRun run = CliRun.of("test", test.toString());
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).isEqualTo("PASS no data\n1 passed, 0 failed\n");
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(CliRun.of("test").exitCode()).isEqualTo(2);
    assertThat(CliRun.of("no-such-command").exitCode()).isEqualTo(2);
  }
}
