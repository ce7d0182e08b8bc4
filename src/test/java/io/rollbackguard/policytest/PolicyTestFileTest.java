package io.rollbackguard.policytest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rollbackguard.policytest.PolicyTestFile.InvalidTestFileException;
import io.rollbackguard.policytest.PolicyTestFile.TestCase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A test file is read against its policy: a test the policy could not produce is invalid, with its field named. */
class PolicyTestFileTest {
  @TempDir Path dir;

  private static final String POLICY = "apiVersion: rollbackguard.io/v1alpha1\nkind: RollbackPolicy\n"
      + "metadata: {name: checkout, namespace: shop}\nspec:\n  selector: {matchLabels: {app: checkout}}\n";

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  /** One test, named "t", with the given body lines (indented by four spaces), against {@code policy}. */
  private PolicyTestFile load(String policy, String... body) throws IOException, InvalidTestFileException {
    write("checkout.yaml", policy);
    StringBuilder sb = new StringBuilder("policy: checkout.yaml\ntests:\n  - name: t\n");
    for (String line : body) {
      sb.append("    ").append(line).append('\n');
    }
    return PolicyTestFile.load(write("checkout.test.yaml", sb.toString()));
  }

  private TestCase only(String... body) throws IOException, InvalidTestFileException {
    return load(POLICY, body).tests().get(0);
  }

  private AbstractThrowableAssert<?, ?> refusedWith(String policy, String... body) {
    return assertThatThrownBy(() -> load(policy, body)).isInstanceOf(InvalidTestFileException.class)
        .hasMessageStartingWith(dir.resolve("checkout.test.yaml") + ": ").hasMessageEndingWith(", in test 't'");
  }

  private AbstractThrowableAssert<?, ?> refused(String... body) {
    return refusedWith(POLICY, body);
  }

  // ---- the Deployment the policy would see ------------------------------------------------------------------

  @Test
  void aDeploymentWithoutNamespaceOrLabelsGetsThePolicysNamespaceAndLabelsItsSelectorSelects() throws Exception {
    TestCase t = only("deployment: {name: checkout}", "series: {errorRate: [0]}", "expect: {action: None}");
    assertThat(t.deployment().namespace()).isEqualTo("shop");
    assertThat(t.deployment().labels()).isEqualTo(Map.of("app", "checkout"));
  }

  @Test
  void emptyLabelsAreNoLabelsAsInTheReadmeTemplate() throws Exception {
    TestCase t = only("deployment: {name: checkout, labels: {}}", "series: {errorRate: [0]}",
        "expect: {action: None}");
    assertThat(t.deployment().labels()).isEqualTo(Map.of("app", "checkout"));
  }

  @Test
  void defaultedLabelsTakeTheFirstInValueAndAnyValueForExists() throws Exception {
    String policy = POLICY.replace("{matchLabels: {app: checkout}}", "{matchLabels: {app: checkout},"
        + " matchExpressions: [{key: tier, operator: In, values: [web, api]}, {key: team, operator: Exists},"
        + " {key: canary, operator: DoesNotExist}, {key: track, operator: NotIn, values: [beta]}]}");
    TestCase t = load(policy, "deployment: {name: checkout}", "series: {errorRate: [0]}", "expect: {action: None}")
        .tests().get(0);
    assertThat(t.deployment().labels()).containsExactlyInAnyOrderEntriesOf(Map.of("app", "checkout", "tier", "web",
        "team", PolicySelection.EXISTS_VALUE));
  }

  @Test
  void givenLabelsTheSelectorSelectsAreKept() throws Exception {
    TestCase t = only("deployment: {name: checkout, namespace: shop, labels: {app: checkout, version: v2}}",
        "series: {errorRate: [0]}", "expect: {action: None}");
    assertThat(t.deployment().labels()).isEqualTo(Map.of("app", "checkout", "version", "v2"));
  }

  @Test
  void aDeploymentTheSelectorDoesNotSelectIsRefused() {
    refused("deployment: {name: cart, labels: {app: cart}}", "series: {errorRate: [0]}", "expect: {action: None}")
        .hasMessageContaining("tests[0].deployment.labels: {app=cart} is not selected by the policy's selector"
            + " (app=checkout): the policy would never judge this Deployment");
  }

  @Test
  void aDeploymentInAnotherNamespaceIsRefused() {
    refused("deployment: {name: checkout, namespace: payments}", "series: {errorRate: [0]}",
        "expect: {action: None}")
        .hasMessageContaining("tests[0].deployment.namespace: 'payments' is not the policy's namespace 'shop'");
  }

  @Test
  void aSelectorNoPickedLabelsSatisfyAsksForLabels() {
    String policy = POLICY.replace("{matchLabels: {app: checkout}}",
        "{matchLabels: {app: checkout}, matchExpressions: [{key: app, operator: NotIn, values: [checkout]}]}");
    refusedWith(policy, "deployment: {name: checkout}", "series: {errorRate: [0]}", "expect: {action: None}")
        .hasMessageContaining("tests[0].deployment.labels: required: no labels picked from the policy's selector"
            + " (app=checkout, app notin (checkout)) satisfy it");
  }

  @Test
  void aDeclarationOrDismissalWrittenAsAnAnnotationWouldBeIgnoredSoItIsRefused() {
    refused("deployment: {name: checkout, annotations: {rollbackguard.io/declare: security-flaw}}",
        "series: {errorRate: [0]}", "expect: {action: None}")
        .hasMessageContaining("tests[0].deployment.annotations.rollbackguard.io/declare: a test declares with its"
            + " declare list");
    refused("deployment: {name: checkout, annotations: {rollbackguard.io/dismiss: '7'}}",
        "series: {errorRate: [0]}", "expect: {action: None}")
        .hasMessageContaining("annotations.rollbackguard.io/dismiss: a test dismisses with its dismiss list");
    refused("deployment: {name: checkout, annotations: {rollbackguard.io/skip: 'true'}}",
        "series: {errorRate: [0]}", "expect: {action: None}")
        .hasMessageContaining("annotations.rollbackguard.io/skip: a skipped Deployment is not guarded");
  }

  // ---- values that do not exist ---------------------------------------------------------------------------

  @Test
  void anUnknownDeclarationIsInvalidNotIgnored() {
    refused("deployment: {name: checkout}", "series: {errorRate: [0]}",
        "declare: [{at: 0s, value: security_flaw}]", "expect: {action: RollbackImmediate}")
        .hasMessageContaining("tests[0].declare[0].value: 'security_flaw' is not a declaration (one of:"
            + " data-corruption, security-flaw, critical-feature-broken, minor-bug, isolated-problem)");
  }

  @Test
  void anUnknownExpectedActionIsInvalidNotAFailedAssertion() {
    refused("deployment: {name: checkout}", "series: {errorRate: [0]}", "expect: {action: Exploded}")
        .hasMessageContaining("tests[0].expect.action: 'Exploded' is not an action (one of: None, Evaluate,"
            + " DisableFeatureFlag, RollbackRapid, RollbackImmediate)");
  }

  @Test
  void anUnknownExpectedPhaseIsInvalid() {
    refused("deployment: {name: checkout}", "series: {errorRate: [0]}", "expect: {phase: Exploded}")
        .hasMessageContaining("tests[0].expect.phase: 'Exploded' is not a phase (one of: Pending, Observing,"
            + " Watching, Stable, Breached, Inconclusive)");
  }

  @Test
  void anUnknownExpectedTierIsInvalid() {
    refused("deployment: {name: checkout}", "series: {errorRate: [0]}", "expect: {tier: Immediate}")
        .hasMessageContaining("tests[0].expect.tier: 'Immediate' is not a tier (one of: evaluate, rapid, immediate,"
            + " none)");
  }

  @Test
  void anUnknownSignalIsInvalidWithItsFieldNamed() {
    refused("deployment: {name: checkout}", "series: {error_rate: [0]}", "expect: {action: None}")
        .hasMessageContaining("tests[0].series.error_rate: unknown signal (known: availableReplicas,"
            + " crashLoopingPods, errorRate, latencyP95, requestRate, rolloutStuck)");
  }

  @Test
  void aCustomSignalOfThePolicyIsKnown() throws Exception {
    String policy = POLICY + "  signals:\n    custom: [{name: checkout-probe, query: 'probe_success'}]\n";
    TestCase t = load(policy, "deployment: {name: checkout}", "series: {checkout-probe: [1]}",
        "expect: {action: None}").tests().get(0);
    assertThat(t.series()).containsKey("checkout-probe");
  }

  // ---- baseline (regression criteria) -----------------------------------------------------------------------

  private static final String REGRESSION = POLICY + "  tiers: {evaluate: {regression: {signal: latencyP95}}}\n";

  @Test
  void aBaselineIsReadInSeriesNotationForTheSignalARegressionReads() throws Exception {
    TestCase t = load(REGRESSION, "deployment: {name: checkout}", "baseline: {latencyP95: ['0.08x2', _]}",
        "series: {latencyP95: [0.1]}", "expect: {action: None}").tests().get(0);
    assertThat(t.baseline().get("latencyP95")).containsExactly(0.08, 0.08, 0.08, Double.NaN);
  }

  @Test
  void aBaselineForASignalNoRegressionReadsIsInvalid() {
    refusedWith(REGRESSION, "deployment: {name: checkout}", "baseline: {errorRate: '0x10'}",
        "series: {latencyP95: [0.1]}", "expect: {action: None}")
        .hasMessageContaining("tests[0].baseline.errorRate: no regression criterion of the policy reads this signal"
            + " (they read: latencyP95)");
    refused("deployment: {name: checkout}", "baseline: {latencyP95: '0x10'}", "series: {latencyP95: [0.1]}",
        "expect: {action: None}")
        .hasMessageContaining("tests[0].baseline.latencyP95: the policy has no regression criterion to compare with"
            + " a baseline");
  }

  // ---- series -----------------------------------------------------------------------------------------------

  @Test
  void anEmptySeriesIsNoData() throws Exception {
    TestCase t = only("deployment: {name: checkout}", "series: {errorRate: [], latencyP95: [0.1], requestRate: ,"
        + " crashLoopingPods: []}", "expect: {action: None}");
    assertThat(t.series().get("errorRate")).isEmpty();
    assertThat(t.series().get("requestRate")).isEmpty();
  }

  @Test
  void aTestWhoseEverySeriesIsEmptyHasNoSampleAndIsInvalid() {
    refused("deployment: {name: checkout}", "series: {errorRate: [], latencyP95: []}", "expect: {action: None}")
        .hasMessageContaining("tests[0].series: every series is empty: a test needs at least one sample");
  }

  @Test
  void everyNoDataSpellingReadsAsNoDataInAList() throws Exception {
    TestCase t = only("deployment: {name: checkout}",
        "series: {errorRate: [nan, NaN, .nan, .NaN, _, 'nan', '.nan', stale, null, ~]}", "expect: {action: None}");
    assertThat(t.series().get("errorRate")).hasSize(10).allMatch(v -> v.isNaN());
  }

  @Test
  void aSeriesMayBeANotationString() throws Exception {
    TestCase t = only("deployment: {name: checkout}", "series: {errorRate: '0.01+0x40 0.08x10 _x5'}",
        "expect: {action: None}");
    List<Double> values = t.series().get("errorRate");
    assertThat(values).hasSize(41 + 11 + 5);
    assertThat(values.subList(0, 41)).containsOnly(0.01);
    assertThat(values.subList(41, 52)).containsOnly(0.08);
    assertThat(values.subList(52, 57)).allMatch(v -> v.isNaN());
  }

  @Test
  void aListMayMixNumbersNoDataAndNotationStrings() throws Exception {
    TestCase t = only("deployment: {name: checkout}", "series: {errorRate: [0.06, 0.01+0x2, _x2, '1-1x2', .nan]}",
        "expect: {action: None}");
    List<Double> v = t.series().get("errorRate");
    assertThat(v).hasSize(10);
    assertThat(v.subList(0, 4)).containsExactly(0.06, 0.01, 0.01, 0.01);
    assertThat(v.subList(4, 6)).allMatch(x -> x.isNaN());
    assertThat(v.subList(6, 9)).containsExactly(1.0, 0.0, -1.0);
    assertThat(v.get(9)).isNaN();
  }

  @Test
  void aSingleNumberIsOneSample() throws Exception {
    assertThat(only("deployment: {name: checkout}", "series: {errorRate: 0.06}", "expect: {action: None}")
        .series().get("errorRate")).containsExactly(0.06);
  }

  @Test
  void aMalformedItemIsNamedByItsPlaceInTheList() {
    refused("deployment: {name: checkout}", "series: {errorRate: [0.1, 0.2, '1x']}", "expect: {action: None}")
        .hasMessageContaining("tests[0].series.errorRate[2]: '1x' is not a value (use e.g. 0.05, 0.01+0x40");
    refused("deployment: {name: checkout}", "series: {errorRate: '0.1 lots'}", "expect: {action: None}")
        .hasMessageContaining("tests[0].series.errorRate: 'lots' is not a value");
  }
}
