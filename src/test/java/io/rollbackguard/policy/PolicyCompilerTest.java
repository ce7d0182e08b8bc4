package io.rollbackguard.policy;

import static io.rollbackguard.TestingPolicies.compile;
import static org.assertj.core.api.Assertions.assertThat;

import io.rollbackguard.TestingPolicies;
import io.rollbackguard.api.status.Tier;
import io.rollbackguard.verdict.Criterion;
import io.rollbackguard.verdict.Policy;
import io.rollbackguard.verdict.Signals;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyCompilerTest {

  private static Criterion criterion(Policy p, String id) {
    return p.criteria().stream().filter(c -> c.id().equals(id)).findFirst().orElse(null);
  }

  @Test
  void aPolicyWithoutTiersGetsTheTeamsDefaultCriteria() {
    Policy p = compile("", true).policy();
    assertThat(p.criteria()).extracting(Criterion::id).containsExactly(
        "immediate/serviceDown", "immediate/errorRate",
        "rapid/rolloutStuck", "rapid/crashLooping", "rapid/errorRate", "rapid/latencyP95",
        "evaluate/errorRate", "evaluate/latencyP95");
    assertThat(criterion(p, "immediate/errorRate").threshold()).isEqualTo(0.05);
    assertThat(criterion(p, "immediate/errorRate").holdForMillis()).isEqualTo(60_000);
    assertThat(criterion(p, "rapid/latencyP95").threshold()).isEqualTo(2.0);
    assertThat(p.decideWithinMillis()).containsEntry(Tier.immediate, 300_000L).containsEntry(Tier.rapid, 1_800_000L)
        .doesNotContainKey(Tier.evaluate);
    assertThat(p.intervalMillis()).isEqualTo(30_000);
    assertThat(p.windowMillis()).isEqualTo(900_000);
    assertThat(p.usedMetricSignals()).containsExactlyInAnyOrder(Signals.ERROR_RATE, Signals.LATENCY_P95);
  }

  @Test
  void aNamedCriterionReplacesTheDefaultWholeAndAMissingForIsZero() {
    Policy p = compile("  tiers:\n    rapid:\n      latencyP95: {above: 1500ms}\n", true).policy();
    Criterion c = criterion(p, "rapid/latencyP95");
    assertThat(c.threshold()).isEqualTo(1.5);
    assertThat(c.holdForMillis()).isZero();
  }

  @Test
  void latencyThresholdsAreDurationsOrSeconds() {
    Policy p = compile("  tiers:\n    rapid:\n      latencyP95: {above: 3, for: 1m}\n"
        + "    evaluate:\n      latencyP95: {above: 1s}\n", true).policy();
    assertThat(criterion(p, "rapid/latencyP95").threshold()).isEqualTo(3.0);
    assertThat(criterion(p, "evaluate/latencyP95").threshold()).isEqualTo(1.0);
  }

  @Test
  void disabledSwitchesADefaultOff() {
    Policy p = compile("  tiers:\n    immediate:\n      serviceDown: {disabled: true}\n"
        + "    evaluate:\n      errorRate: {disabled: true}\n      latencyP95: {disabled: true}\n", true).policy();
    assertThat(p.criteria()).extracting(Criterion::id)
        .doesNotContain("immediate/serviceDown", "evaluate/errorRate", "evaluate/latencyP95");
  }

  @Test
  void aKubernetesOnlyPolicyKeepsOnlyKubernetesCriteria() {
    Policy p = compile("", false).policy();
    assertThat(p.metricsConfigured()).isFalse();
    assertThat(p.criteria()).allMatch(Criterion::condition);
    assertThat(p.usedMetricSignals()).isEmpty();
  }

  @Test
  void aPrometheusUrlInTheSpecConfiguresMetrics() {
    Policy p = compile("  prometheus: {url: 'http://prometheus.monitoring:9090'}\n", false).policy();
    assertThat(p.metricsConfigured()).isTrue();
  }

  @Test
  void theTrafficGuardMakesRequestRateAUsedSignal() {
    Policy p = compile("  observation: {minRequestRate: 0.5}\n", true).policy();
    assertThat(p.usedMetricSignals()).contains(Signals.REQUEST_RATE);
  }

  @Test
  void customCriteriaReferToNamedSignals() {
    Policy p = compile("  signals:\n    custom: [{name: checkout-probe, query: 'min(probe_success)'}]\n"
        + "  tiers:\n    rapid:\n      custom: [{signal: checkout-probe, below: 1, for: 1m}]\n", true).policy();
    Criterion c = criterion(p, "rapid/custom/0/checkout-probe");
    assertThat(c.above()).isFalse();
    assertThat(c.threshold()).isEqualTo(1.0);
    assertThat(p.usedMetricSignals()).contains("checkout-probe");
  }

  /** One broken policy per rule: the first problem names the field. */
  static Stream<Arguments> brokenPolicies() {
    return Stream.of(
        Arguments.of("  observation: {window: 15 minutes}\n", "spec.observation.window", "not a duration"),
        Arguments.of("  observation: {interval: 500ms}\n", "spec.observation.interval", "at least 1s"),
        Arguments.of("  observation: {window: 10s, interval: 30s}\n", "spec.observation.window", "at least one interval"),
        Arguments.of("  observation: {initialDelay: 20m}\n", "spec.observation.initialDelay", "shorter than the window"),
        Arguments.of("  observation: {minRequestRate: -1}\n", "spec.observation.minRequestRate", "0 or more"),
        Arguments.of("  tiers:\n    immediate: {decideWithin: soon}\n", "spec.tiers.immediate.decideWithin", "not a duration"),
        Arguments.of("  tiers:\n    rapid:\n      errorRate: {above: 0.01, for: 2 minutes}\n", "spec.tiers.rapid.errorRate.for", "not a duration"),
        Arguments.of("  tiers:\n    rapid:\n      errorRate: {above: 5}\n", "spec.tiers.rapid.errorRate.above", "fraction from 0 to 1"),
        Arguments.of("  tiers:\n    rapid:\n      errorRate: {above: '5%'}\n", "spec.tiers.rapid.errorRate.above", "not a number"),
        Arguments.of("  tiers:\n    rapid:\n      latencyP95: {above: fast}\n", "spec.tiers.rapid.latencyP95.above", "not a latency"),
        Arguments.of("  tiers:\n    rapid:\n      errorRate: {for: 1m}\n", "spec.tiers.rapid.errorRate", "set above or below"),
        Arguments.of("  tiers:\n    rapid:\n      errorRate: {above: 0.01, below: 0.5}\n", "spec.tiers.rapid.errorRate", "not both"),
        Arguments.of("  tiers:\n    immediate:\n      errorRate: {above: 0.005, for: 1m}\n", "spec.tiers.immediate.errorRate.above", "looser than the rapid"),
        Arguments.of("  tiers:\n    rapid:\n      latencyP95: {above: 500ms}\n", "spec.tiers.rapid.latencyP95.above", "looser than the evaluate"),
        Arguments.of("  tiers:\n    immediate: {decideWithin: 1h}\n", "spec.tiers.immediate.decideWithin", "longer than the rapid"),
        Arguments.of("  tiers:\n    rapid:\n      custom: [{signal: nope, above: 1}]\n", "spec.tiers.rapid.custom[0].signal", "unknown signal 'nope'"),
        Arguments.of("  signals:\n    custom: [{name: a, query: x}, {name: a, query: y}]\n", "spec.signals.custom[1].name", "defined twice"),
        Arguments.of("  signals: {groupBy: 'app-name'}\n", "spec.signals.groupBy", "not a Prometheus label name"),
        Arguments.of("  prometheus: {url: 'ftp://x'}\n", "spec.prometheus.url", "not an http(s) URL"),
        Arguments.of("  prometheus: {url: 'http://p:9090', timeout: 0s}\n", "spec.prometheus.timeout", "longer than 0s"),
        Arguments.of("  procedure:\n    database: {engine: postgres, migrationsReversible: true}\n", "spec.procedure.database.migrateDownCommand", "required"),
        Arguments.of("  procedure:\n    database: {engine: postgres}\n", "spec.procedure.database.restoreCommand", "required"),
        Arguments.of("  procedure: {featureFlags: ['']}\n", "spec.procedure.featureFlags[0]", "must not be empty"),
        Arguments.of("  signals:\n    errorRate: {query: 'x{deployment={{deployment}}}'}\n", "spec.signals.errorRate.query", "must stand inside a quoted label value"),
        Arguments.of("  signals:\n    latencyP95: {query: 'x{d=\"{{deployments}}\"}'}\n", "spec.signals.latencyP95.query", "use it in a regex matcher"),
        Arguments.of("  signals:\n    custom: [{name: probe, query: 'up{job=\"{{job}}\"}'}]\n", "spec.signals.custom[0].query", "unknown placeholder {{job}}"),
        Arguments.of("  signals:\n    requestRate: {query: 'sum(x{a=\"b)'}\n", "spec.signals.requestRate.query", "the string that starts at column 9 is not closed"),
        Arguments.of("  signals: {rateWindow: 1.5m}\n", "spec.signals.rateWindow", "'1.5m' cannot be substituted into a query"),
        Arguments.of("  signals:\n    custom: [{name: crashLooping, query: 'up'}]\n", "spec.signals.custom[0].name", "name of a Kubernetes signal"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("brokenPolicies")
  void eachBrokenRuleIsReportedAtItsField(String spec, String path, String message) {
    CompiledPolicy compiled = compile(spec, true);
    assertThat(compiled.valid()).isFalse();
    assertThat(compiled.policy()).isNull();
    assertThat(compiled.problems()).hasSize(1);
    assertThat(compiled.problems().get(0).path()).isEqualTo(path);
    assertThat(compiled.problems().get(0).message()).contains(message);
  }

  @Test
  void theQueriesOfTheUsedSignalsAreCompiledDefaultsIncluded() {
    CompiledPolicy c = compile("  observation: {minRequestRate: 1}\n  signals:\n    rateWindow: 30s\n"
        + "    latencyP95: {query: 'max(p95{deployment=\"{{deployment}}\"})'}\n", true);
    assertThat(c.queries().bySignal()).containsOnlyKeys(Signals.ERROR_RATE, Signals.LATENCY_P95, Signals.REQUEST_RATE);
    assertThat(c.queries().bySignal().get(Signals.LATENCY_P95).perDeployment()).isTrue();
    assertThat(c.queries().bySignal().get(Signals.ERROR_RATE).grouped()).isTrue();
    assertThat(c.queries().rateWindow()).isEqualTo("30s");
    assertThat(compile("", false).queries().bySignal()).isEmpty();
  }

  @Test
  void operatorWideDefaultQueriesApplyWhereThePolicyNamesNone() throws Exception {
    String operatorQuery = "sum(rate(errors_total{app=~\"{{deployments}}\"}[{{window}}])) by (deployment)";
    CompiledPolicy c = PolicyCompiler.compile(TestingPolicies.manifest(
        "  signals:\n    latencyP95: {query: 'max(p95{deployment=~\"{{deployments}}\"}) by (deployment)'}\n").getSpec(),
        true, java.util.Map.of(Signals.ERROR_RATE, operatorQuery, Signals.LATENCY_P95, "ignored{a=\"{{deployments}}\"}"));
    assertThat(c.valid()).as(c.problemsText()).isTrue();
    assertThat(c.queries().bySignal().get(Signals.ERROR_RATE).text()).isEqualTo(operatorQuery);
    assertThat(c.queries().bySignal().get(Signals.LATENCY_P95).text()).startsWith("max(p95"); // the policy's own wins
  }

  @Test
  void aMissingOrEmptySelectorIsReported() {
    assertThat(PolicyCompiler.compile(new io.rollbackguard.api.spec.RollbackPolicySpec(), true).problems())
        .extracting(PolicyProblem::path).containsExactly("spec.selector");
  }

  @Test
  void anUnknownFieldIsRejectedWhenReadingTheManifest() {
    String yaml = "apiVersion: rollbackguard.io/v1alpha1\nkind: RollbackPolicy\nmetadata: {name: p}\n"
        + "spec:\n  selector: {matchLabels: {app: a}}\n  observation: {windw: 5m}\n";
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> PolicyYaml.parse(yaml))
        .hasMessageContaining("line 6")
        .hasMessageContaining("spec.observation.windw: unknown field")
        .hasMessageContaining("window");
  }

  /**
   * A criterion can fire within a window only if its {@code for} ≤ ⌊(window − initialDelay) / interval⌋ × interval
   * (DESIGN.md §1 Firing): one the policy names that cannot is an error at its {@code for}; a default one left dead
   * by the timing is a warning, and the policy stays valid. Each row: spec, the problems, the warnings (paths).
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      defaults in 15m                          | {window: 15m, interval: 30s}                   | -      | -
      5m fits a 5m window exactly              | {window: 5m, interval: 30s}                    | -      | -
      3m leaves three defaults dead            | {window: 3m, interval: 30s}                    | -      | spec.tiers.rapid.latencyP95,spec.tiers.evaluate.errorRate,spec.tiers.evaluate.latencyP95
      initialDelay 30s leaves 4m30s of 5m      | {initialDelay: 30s, window: 5m, interval: 30s} | -      | spec.tiers.rapid.latencyP95,spec.tiers.evaluate.errorRate,spec.tiers.evaluate.latencyP95
      interval 2m leaves 4m of 5m              | {window: 5m, interval: 2m}                     | -      | spec.tiers.rapid.latencyP95,spec.tiers.evaluate.errorRate,spec.tiers.evaluate.latencyP95
      interval 1m: 1m of 90s fits a 1m for     | {window: 90s, interval: 1m}                    | -      | spec.tiers.rapid.errorRate,spec.tiers.rapid.latencyP95,spec.tiers.evaluate.errorRate,spec.tiers.evaluate.latencyP95
      """)
  void aDefaultCriterionWhoseForCannotFitIsAWarning(String name, String observation, String problems,
      String warnings) {
    CompiledPolicy compiled = compile("  observation: " + observation + "\n", true);
    assertThat(compiled.problems()).isEmpty();
    assertThat(compiled.valid()).isTrue();
    assertThat(compiled.warnings()).extracting(PolicyProblem::path)
        .containsExactly(warnings == null ? new String[0] : warnings.split(","));
  }

  @Test
  void theWarningSaysWhichDefaultIsDeadAndWhy() {
    CompiledPolicy compiled = compile("  observation: {window: 3m, interval: 30s}\n", true);
    assertThat(compiled.warnings().get(0)).hasToString("spec.tiers.rapid.latencyP95: the default latencyP95 above 2s"
        + " for 5m can never fire: with window 3m, initialDelay 0s and interval 30s a breach can hold at most 3m;"
        + " name the criterion with a shorter `for`, or {disabled: true}");
    assertThat(compiled.warningsText()).contains("; spec.tiers.evaluate.errorRate: the default errorRate above 0.001");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      a named metric criterion  | rapid: {latencyP95: {above: 2s, for: 5m}}                    | spec.tiers.rapid.latencyP95.for
      a named condition         | immediate: {serviceDown: {for: 4m}}                          | spec.tiers.immediate.serviceDown.for
      a custom criterion        | rapid: {custom: [{signal: requestRate, below: 1, for: 10m}]} | spec.tiers.rapid.custom[0].for
      """)
  void aNamedCriterionWhoseForCannotFitIsAnError(String name, String tiers, String path) {
    CompiledPolicy compiled = compile("  observation: {window: 3m, interval: 30s}\n  tiers: {" + tiers + "}\n"
        + "  procedure: {}\n", true);
    assertThat(compiled.valid()).isFalse();
    assertThat(compiled.problems()).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo(path);
      assertThat(p.message()).contains("can never fire: with window 3m, initialDelay 0s and interval 30s a breach"
          + " can hold at most 3m; shorten `for` or lengthen the window");
    });
  }

  @Test
  void aKubernetesOnlyPolicyIsNotWarnedAboutMetricCriteriaItDoesNotRun() {
    CompiledPolicy compiled = compile("  observation: {window: 3m, interval: 30s}\n", false);
    assertThat(compiled.valid()).isTrue();
    assertThat(compiled.warnings()).isEmpty();
  }
}
