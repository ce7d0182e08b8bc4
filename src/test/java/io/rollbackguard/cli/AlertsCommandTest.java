package io.rollbackguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.rollbackguard.promql.PromqlParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AlertsCommandTest {
  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final String POLICY = "apiVersion: rollbackguard.io/v1alpha1\nkind: RollbackPolicy\n"
      + "metadata: {name: NAME, namespace: shop}\nspec:\n  selector: {matchLabels: {app: NAME}}\n";

  @TempDir Path dir;

  static Stream<Path> examples() throws IOException {
    return LintCommandTest.examples();
  }

  /** promtool reads a rule file, the PrometheusRule's spec: each example's rules must load into a Prometheus. */
  @ParameterizedTest
  @MethodSource("examples")
  void everyExamplesRulesPassPromtoolCheckRules(Path example) throws Exception {
    assumeTrue(Files.isExecutable(PROMTOOL),
        "SKIPPED: " + PROMTOOL + " is absent; install it with: apt-get install -y prometheus");
    CliRun run = CliRun.of("alerts", example.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<JsonNode> rules = documents(run.out());
    assertThat(rules).hasSize(1);
    Path file = dir.resolve("rules.yaml");
    YAML.writeValue(file.toFile(), rules.get(0).path("spec"));
    Process promtool = new ProcessBuilder(PROMTOOL.toString(), "check", "rules", file.toString())
        .redirectErrorStream(true).start();
    assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String said = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(promtool.exitValue()).as(said).isZero();
    assertThat(said).contains("SUCCESS");
  }

  /** The project's own PromQL parser agrees, where promtool is absent too. */
  @ParameterizedTest
  @MethodSource("examples")
  void everyExpressionParsesAsAVectorComparison(Path example) throws Exception {
    for (JsonNode rule : rules(CliRun.of("alerts", example.toString()).out())) {
      PromqlParser.parse(rule.path("expr").asText());
    }
  }

  @Test
  void theDefaultCriteriaBecomeTheSeedsAlertsWithTheTiersThresholdsForAndSeverities() {
    CliRun run = CliRun.of("alerts", "examples/checkout.yaml");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode manifest = documents(run.out()).get(0);
    assertThat(manifest.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(manifest.path("kind").asText()).isEqualTo("PrometheusRule");
    assertThat(manifest.path("metadata").path("name").asText()).isEqualTo("rollback-guard-checkout");
    assertThat(manifest.path("metadata").path("namespace").asText()).isEqualTo("shop");
    assertThat(manifest.path("metadata").path("labels").path("rollbackguard.io/policy").asText())
        .isEqualTo("checkout");
    assertThat(manifest.path("spec").path("groups")).extracting(g -> g.path("name").asText())
        .containsExactly("rollback-guard.shop.checkout.metrics", "rollback-guard.shop.checkout.kubernetes");

    List<String> summary = new ArrayList<>();
    for (JsonNode rule : rules(run.out())) {
      JsonNode labels = rule.path("labels");
      summary.add(rule.path("alert").asText() + " " + labels.path("tier").asText() + " "
          + labels.path("severity").asText() + " for=" + rule.path("for").asText("-") + " "
          + threshold(rule.path("expr").asText()));
      assertThat(labels.path("policy").asText()).isEqualTo("checkout");
      assertThat(labels.path("namespace").asText()).isEqualTo("shop");
      assertThat(labels.path("signal").asText()).isNotBlank();
      assertThat(rule.path("annotations").path("summary").asText()).contains("{{ $").contains("}}");
      assertThat(rule.path("annotations").path("runbook").asText()).startsWith("rollback-guard runbook -n shop ");
    }
    assertThat(summary).containsExactly(
        "RollbackGuardHighErrorRate immediate critical for=1m > 0.05",
        "RollbackGuardHighErrorRate rapid high for=2m > 0.01",
        "RollbackGuardHighLatency rapid high for=5m > 2",
        "RollbackGuardHighErrorRate evaluate warning for=5m > 0.001",
        "RollbackGuardHighLatency evaluate warning for=5m > 1",
        "RollbackGuardServiceDown immediate critical for=1m == 0",
        "RollbackGuardRolloutStuck rapid high for=- == 1",
        "RollbackGuardPodCrashLooping rapid high for=- > 3");
  }

  @Test
  void aMetricRuleReadsTheGroupedQueryOverTheNamespaceAndSaysWhichDeployment() {
    JsonNode rule = rules(CliRun.of("alerts", "examples/checkout.yaml").out()).get(0);
    String expr = rule.path("expr").asText();
    assertThat(expr).contains("namespace=\"shop\"", "deployment=~\".+\"", "sum by (deployment)", "[1m]")
        .doesNotContain("{{").endsWith(") > 0.05");
    assertThat(rule.path("annotations").path("summary").asText())
        .isEqualTo("{{ $labels.deployment }} (shop): error rate {{ $value | humanizePercentage }} > 5%");
    assertThat(rule.path("annotations").path("runbook").asText())
        .isEqualTo("rollback-guard runbook -n shop {{ $labels.deployment }}");
  }

  @Test
  void theTrafficGuardOfMinRequestRateBecomesAnAndOnTheGroupLabel() {
    JsonNode rule = rules(CliRun.of("alerts", "examples/checkout-full.yaml").out()).get(0);
    assertThat(rule.path("expr").asText()).contains(") > 0.05 and on (deployment) (sum by (deployment)")
        .endsWith(") >= 0.5");
  }

  @Test
  void customCriteriaAndBelowThresholdsGetTheirOwnNames() {
    List<JsonNode> rules = rules(CliRun.of("alerts", "examples/checkout-full.yaml").out());
    assertThat(rules).filteredOn(r -> r.path("labels").path("signal").asText().equals("checkout-probe"))
        .singleElement().satisfies(r -> {
          assertThat(r.path("alert").asText()).isEqualTo("RollbackGuardLowCheckoutProbe");
          assertThat(r.path("expr").asText()).isEqualTo("(min(probe_success{job=\"checkout-e2e\"})) < 1");
          assertThat(r.path("for").asText()).isEqualTo("1m");
          assertThat(r.path("labels").path("severity").asText()).isEqualTo("high");
        });
  }

  @Test
  void aQueryWithThePodTemplateHashIsSkippedWithAWarningThatSaysHowToGetARule() throws IOException {
    Path policy = write("hash.yaml", POLICY.replace("NAME", "checkout") + "  signals:\n    errorRate:\n"
        + "      query: 'sum(rate(e{namespace=\"{{namespace}}\",pod_template_hash=\"{{podTemplateHash}}\"}[1m]))'\n");
    CliRun run = CliRun.of("alerts", policy.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).contains(policy + ": warning: spec.tiers.immediate.errorRate: no standing rule",
        "{{podTemplateHash}}", "deployment=~\"{{deployments}}\"");
    assertThat(rules(run.out())).extracting(r -> r.path("labels").path("signal").asText())
        .doesNotContain("errorRate").contains("latencyP95", "crashLooping");
  }

  @Test
  void anInvalidPolicyPrintsNothingAndExitsTwoNamingTheFileAndTheField() throws IOException {
    Path good = write("a.yaml", POLICY.replace("NAME", "cart"));
    Path bad = write("b.yaml", POLICY.replace("NAME", "checkout")
        + "  tiers:\n    rapid:\n      errorRate: {above: 2, for: 1m}\n");
    CliRun run = CliRun.of("alerts", good.toString(), bad.toString());
    assertThat(run.exitCode()).isEqualTo(RollbackGuard.INVALID);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains(bad + ": spec.tiers.rapid.errorRate.above: ")
        .contains("error: 1 problem: no PrometheusRule printed");
  }

  @Test
  void aSchemaErrorAndAnUnreadableFileExitTwo() throws IOException {
    Path bad = write("c.yaml", POLICY.replace("NAME", "checkout") + "  bogus: 1\n");
    CliRun run = CliRun.of("alerts", bad.toString(), dir.resolve("missing.yaml").toString());
    assertThat(run.exitCode()).isEqualTo(RollbackGuard.INVALID);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains(bad + ": spec.bogus").contains("missing.yaml");
  }

  @Test
  void inAFileOfSeveralPoliciesAProblemNamesThePolicyAndAnotherKindDoesNotCount() throws IOException {
    String configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n";
    Path several = write("e.yaml", POLICY.replace("NAME", "cart") + "---\n" + configMap + "---\n"
        + POLICY.replace("NAME", "checkout").replace("apiVersion: rollbackguard.io/v1alpha1", "apiVersion: v9"));
    Path one = write("f.yaml", configMap + "---\n" + POLICY.replace("NAME", "pay") + "  bogus: 1\n");
    Path test = write("g.test.yaml", "policy: e.yaml\n");
    CliRun run = CliRun.of("alerts", several.toString(), one.toString(), test.toString());
    assertThat(run.exitCode()).isEqualTo(RollbackGuard.INVALID);
    assertThat(run.err()).isEqualTo(several + ": skipped ConfigMap/settings (not a RollbackPolicy)\n"
        + several + " (checkout): apiVersion: 'v9' is not rollbackguard.io/v1alpha1, the version the CRD serves\n"
        + one + ": skipped ConfigMap/settings (not a RollbackPolicy)\n"
        + one + ": spec.bogus: unknown field (known: notifications, observation, procedure, prometheus, selector,"
        + " signals, slo, suspend, tiers), at line 10, column 3\n"
        + test + ": skipped (a policy test file)\n"
        + "error: 2 problems: no PrometheusRule printed (`rollback-guard lint` checks policies)\n");
  }

  @Test
  void aPolicyWithoutNamespaceNeedsDashN() throws IOException {
    Path p = write("d.yaml", POLICY.replace("NAME", "checkout").replace(", namespace: shop", ""));
    CliRun without = CliRun.of("alerts", p.toString());
    assertThat(without.exitCode()).isEqualTo(RollbackGuard.INVALID);
    assertThat(without.err()).contains(p + ": metadata.namespace: required here");
    CliRun with = CliRun.of("alerts", "-n", "web", p.toString());
    assertThat(with.exitCode()).as(with.err()).isZero();
    assertThat(documents(with.out()).get(0).path("metadata").path("namespace").asText()).isEqualTo("web");
    assertThat(with.out()).contains("namespace=\\\"web\\\"");
  }

  @Test
  void aDirectoryGivesOnePrometheusRulePerPolicyAndSkipsPolicyTests() {
    CliRun run = CliRun.of("alerts", "examples");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(documents(run.out())).extracting(d -> d.path("metadata").path("name").asText()).containsExactly(
        "rollback-guard-checkout-full", "rollback-guard-checkout-nodata-ignore", "rollback-guard-checkout-regression",
        "rollback-guard-checkout-short-window", "rollback-guard-checkout-slo", "rollback-guard-checkout-watched",
        "rollback-guard-checkout",
        "rollback-guard-worker");
    assertThat(run.out()).startsWith("---\n");
  }

  @Test
  void aBurnRateGetsNoStandingRuleAndSaysWhy() throws Exception {
    CliRun run = CliRun.of("alerts", "examples/checkout-slo.yaml");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).doesNotContain("burnRate");
    assertThat(run.err()).contains("spec.tiers.immediate.burnRate: no standing rule for a burn rate: its windows are"
        + " capped at each rollout's age");
  }

  @Test
  void aRegressionGetsNoStandingRuleAndSaysWhy() {
    CliRun run = CliRun.of("alerts", "examples/checkout-regression.yaml");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(rules(run.out())).extracting(r -> r.path("labels").path("signal").asText())
        .isNotEmpty().doesNotContain("regression");
    assertThat(run.err()).contains("spec.tiers.rapid.regression: no standing rule for a regression: it compares each"
        + " rollout's samples with the baseline before that rollout");
  }

  @Test
  void standardInputAndALabelForTheRuleSelector() {
    AlertsCommand command = new AlertsCommand();
    command.stdin = new ByteArrayInputStream(POLICY.replace("NAME", "cart").getBytes(StandardCharsets.UTF_8));
    CliRun run = CliRun.command(command, "--label", "release=prometheus", "-");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode labels = documents(run.out()).get(0).path("metadata").path("labels");
    assertThat(labels.path("release").asText()).isEqualTo("prometheus");
    assertThat(labels.path("rollbackguard.io/policy").asText()).isEqualTo("cart");
    assertThat(CliRun.of("alerts", "--label", "Bad Key=x", "examples/checkout.yaml").exitCode())
        .isEqualTo(RollbackGuard.INVALID);
  }

  @Test
  void withoutAPrometheusForTheOperatorAKubernetesOnlyPolicyGetsOnlyKubeStateMetricsRules() {
    CliRun run = CliRun.of("alerts", "--no-operator-prometheus", "examples/worker-kubernetes-only.yaml");
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<JsonNode> rules = rules(run.out());
    assertThat(rules).extracting(r -> r.path("alert").asText())
        .containsExactly("RollbackGuardServiceDown", "RollbackGuardPodCrashLooping");
    assertThat(rules.get(0).path("for").asText()).isEqualTo("30s");
    assertThat(rules.get(1).path("for").asText()).isEqualTo("1m");
    assertThat(rules.get(1).path("expr").asText()).contains("kube_pod_container_status_waiting_reason{"
        + "namespace=\"jobs\",reason=\"CrashLoopBackOff\"}", "kube_pod_container_status_restarts_total");
  }

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  /** The comparison that ends an expression, e.g. "> 0.05" (the traffic guard's excepted). */
  private static String threshold(String expr) {
    String main = expr.contains(" and on (") ? expr.substring(0, expr.indexOf(" and on (")) : expr;
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(>|<|==) ([0-9.]+)$").matcher(main);
    return m.find() ? m.group(1) + " " + m.group(2) : main;
  }

  static List<JsonNode> documents(String yaml) {
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      List<JsonNode> out = new ArrayList<>();
      while (it.hasNextValue()) {
        out.add(it.nextValue());
      }
      return out;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static List<JsonNode> rules(String yaml) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode d : documents(yaml)) {
      d.path("spec").path("groups").forEach(g -> g.path("rules").forEach(out::add));
    }
    return out;
  }
}
