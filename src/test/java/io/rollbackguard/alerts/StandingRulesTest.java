package io.rollbackguard.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollbackguard.TestingPolicies;
import io.rollbackguard.api.status.Tier;
import io.rollbackguard.policy.CompiledPolicy;
import io.rollbackguard.policy.PolicyProblem;
import io.rollbackguard.promql.PromqlParser;
import io.rollbackguard.signals.QueryTemplate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StandingRulesTest {
  private static StandingAlerts alerts(String specBody) {
    CompiledPolicy compiled = TestingPolicies.compile(specBody, true);
    assertThat(compiled.valid()).as(compiled.problemsText()).isTrue();
    return StandingRules.of("p", "shop", compiled);
  }

  private static List<AlertingRule> rules(StandingAlerts alerts) {
    return alerts.groups().stream().flatMap(g -> g.rules().stream()).toList();
  }

  @Test
  void severityFollowsTheTier() {
    assertThat(StandingRules.severity(Tier.immediate)).isEqualTo("critical");
    assertThat(StandingRules.severity(Tier.rapid)).isEqualTo("high");
    assertThat(StandingRules.severity(Tier.evaluate)).isEqualTo("warning");
  }

  @Test
  void aNamedCriterionKeepsItsThresholdAndForAndADisabledOneHasNoRule() {
    StandingAlerts a = alerts("  tiers:\n    immediate: {errorRate: {above: 0.2, for: 90s}}\n"
        + "    rapid: {errorRate: {disabled: true}, latencyP95: {above: 1500ms, for: 0s}}\n"
        + "    evaluate: {errorRate: {disabled: true}, latencyP95: {disabled: true}}\n");
    assertThat(rules(a)).filteredOn(r -> r.labels().get("tier").equals("immediate")
        && r.labels().get("signal").equals("errorRate")).singleElement().satisfies(r -> {
          assertThat(r.expr()).endsWith(") > 0.2");
          assertThat(r.forMillis()).isEqualTo(90_000);
          assertThat(r.labels()).containsEntry("severity", "critical").containsEntry("policy", "p");
        });
    assertThat(rules(a)).filteredOn(r -> r.labels().get("signal").equals("latencyP95")).singleElement()
        .satisfies(r -> {
          assertThat(r.expr()).endsWith(") > 1.5");
          assertThat(r.forMillis()).isZero();
          assertThat(r.annotations().get("summary")).contains("{{ $value | humanizeDuration }} > 1.5s");
        });
    assertThat(rules(a)).filteredOn(r -> r.labels().get("signal").equals("errorRate")).hasSize(1);
  }

  @Test
  void theGroupByLabelSplitsTheRuleAndNamesTheDeploymentInTheAnnotations() {
    StandingAlerts a = alerts("  signals:\n    groupBy: app\n    errorRate:\n      query: >-\n"
        + "        sum by (app) (rate(errors{namespace=\"{{namespace}}\",app=~\"{{deployments}}\"}[{{window}}]))\n"
        + "    rateWindow: 2m\n");
    AlertingRule rule = rules(a).get(0);
    assertThat(rule.expr()).isEqualTo("(sum by (app) (rate(errors{namespace=\"shop\",app=~\".+\"}[2m]))) > 0.05");
    assertThat(rule.annotations().get("summary")).startsWith("{{ $labels.app }} (shop): ");
    assertThat(rule.annotations().get("runbook")).isEqualTo("rollback-guard runbook -n shop {{ $labels.app }}");
  }

  @Test
  void aPerDeploymentQueryIsSkippedWithItsFieldAndTheOthersStay() {
    StandingAlerts a = alerts("  signals:\n    latencyP95:\n      query: 'histogram_quantile(0.95, sum by (le)"
        + " (rate(h_bucket{namespace=\"{{namespace}}\",deployment=\"{{deployment}}\"}[{{window}}])))'\n");
    assertThat(a.skipped()).extracting(PolicyProblem::path)
        .containsExactly("spec.tiers.rapid.latencyP95", "spec.tiers.evaluate.latencyP95");
    assertThat(a.skipped().get(0).message()).contains("names one Deployment or one rollout");
    assertThat(rules(a)).extracting(r -> r.labels().get("signal")).doesNotContain("latencyP95").contains("errorRate");
  }

  @Test
  void everyRuleOfTheDefaultsParsesAndTheKubernetesOnesReadKubeStateMetrics() throws Exception {
    StandingAlerts a = alerts("  observation: {window: 15m}\n");
    for (AlertingRule r : rules(a)) {
      PromqlParser.parse(r.expr());
    }
    assertThat(a.groups()).extracting(RuleGroup::name)
        .containsExactly("rollback-guard.shop.p.metrics", "rollback-guard.shop.p.kubernetes");
    assertThat(a.groups().get(1).rules()).extracting(AlertingRule::alert)
        .containsExactly("RollbackGuardServiceDown", "RollbackGuardRolloutStuck", "RollbackGuardPodCrashLooping");
    assertThat(a.groups().get(1).rules()).allSatisfy(r -> assertThat(r.expr()).contains("kube_")
        .contains("namespace=\"shop\""));
  }

  @Test
  void namesAreValidMetricNames() {
    assertThat(StandingRules.camel("checkout-probe")).isEqualTo("CheckoutProbe");
    assertThat(StandingRules.camel("queue.depth_max")).isEqualTo("QueueDepthMax");
    StandingAlerts a = alerts("  signals:\n    custom:\n      - {name: queue.depth-2, query: 'max(q)'}\n"
        + "  tiers:\n    rapid:\n      custom:\n        - {signal: queue.depth-2, above: 100, for: 1m}\n");
    assertThat(rules(a)).extracting(AlertingRule::alert).contains("RollbackGuardHighQueueDepth2")
        .allSatisfy(n -> assertThat(n).matches("[a-zA-Z_:][a-zA-Z0-9_:]*"));
    assertThat(rules(a)).filteredOn(r -> r.alert().equals("RollbackGuardHighQueueDepth2")).singleElement()
        .satisfies(r -> assertThat(r.expr()).isEqualTo("(max(q)) > 100"));
  }

  @Test
  void everyDeploymentIsARegexThatStaysUnescapedWhileOtherValuesAreEscaped() throws Exception {
    QueryTemplate t = QueryTemplate.parse("sum by (deployment) (rate(x{namespace=\"{{namespace}}\","
        + "deployment=~\"{{deployments}}\"}[{{window}}]))");
    assertThat(t.renderForEveryDeployment(Map.of("namespace", "a\"b", "window", "5m")))
        .isEqualTo("sum by (deployment) (rate(x{namespace=\"a\\\"b\",deployment=~\".+\"}[5m]))");
  }
}
