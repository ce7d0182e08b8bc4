package io.rollbackguard.policy;

import static io.rollbackguard.TestingPolicies.compile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.rollbackguard.TestingPolicies;
import io.rollbackguard.signals.DefaultQueries;
import io.rollbackguard.verdict.Signals;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the API server or Prometheus would refuse is refused when the policy is compiled, at its field: the operator
 * reports it as Ready=False and lint as a problem, instead of a failed list call or a query that never works.
 */
class ClusterAndPrometheusRulesTest {
  private static final String POLICY = "apiVersion: rollbackguard.io/v1alpha1\nkind: RollbackPolicy\n"
      + "metadata: {name: checkout, namespace: shop}\nspec:\n";

  private static CompiledPolicy withSelector(String selector) {
    try {
      return PolicyCompiler.compile(PolicyYaml.parse(POLICY + "  selector: " + selector + "\n"), true, Map.of());
    } catch (PolicyYaml.InvalidManifestException e) {
      throw new AssertionError(e);
    }
  }

  static Stream<Arguments> invalidSelectors() {
    return Stream.of(
        arguments("{matchLabels: {'bad key!': a}}", "spec.selector.matchLabels.bad key!",
            "'bad key!' is not a valid label key"),
        arguments("{matchLabels: {'-app': a}}", "spec.selector.matchLabels.-app", "is not a valid label key"),
        arguments("{matchLabels: {'Example.com/app': a}}", "spec.selector.matchLabels.Example.com/app",
            "its prefix 'Example.com' must be a DNS subdomain"),
        arguments("{matchLabels: {'a/b/c': a}}", "spec.selector.matchLabels.a/b/c", "at most one '/'"),
        arguments("{matchLabels: {'example.com/': a}}", "spec.selector.matchLabels.example.com/",
            "the name after '/' must not be empty"),
        arguments("{matchLabels: {'" + "k".repeat(64) + "': a}}", "spec.selector.matchLabels." + "k".repeat(64),
            "the name is at most 63 characters, got 64"),
        arguments("{matchLabels: {app: 'bad value!'}}", "spec.selector.matchLabels.app",
            "'bad value!' is not a valid label value"),
        arguments("{matchLabels: {app: 'Päy\"}'}}", "spec.selector.matchLabels.app", "is not a valid label value"),
        arguments("{matchLabels: {app: '" + "v".repeat(64) + "'}}", "spec.selector.matchLabels.app",
            "is too long: at most 63 characters, got 64"),
        arguments("{matchLabels: {app: }}", "spec.selector.matchLabels.app", "a label value is required"),
        arguments("{matchExpressions: [{key: tier, operator: In}]}", "spec.selector.matchExpressions[0].values",
            "required when the operator is In: name at least one value"),
        arguments("{matchExpressions: [{key: tier, operator: NotIn, values: []}]}",
            "spec.selector.matchExpressions[0].values", "required when the operator is NotIn"),
        arguments("{matchExpressions: [{key: tier, operator: Exists, values: [web]}]}",
            "spec.selector.matchExpressions[0].values", "must be empty when the operator is Exists"),
        arguments("{matchExpressions: [{key: tier, operator: DoesNotExist, values: [web]}]}",
            "spec.selector.matchExpressions[0].values", "must be empty when the operator is DoesNotExist"),
        arguments("{matchExpressions: [{key: tier, operator: in, values: [web]}]}",
            "spec.selector.matchExpressions[0].operator", "'in' is not an operator: use In, NotIn, Exists or"
                + " DoesNotExist (operators are case-sensitive)"),
        arguments("{matchExpressions: [{key: tier, operator: Equals, values: [web]}]}",
            "spec.selector.matchExpressions[0].operator", "'Equals' is not an operator"),
        arguments("{matchExpressions: [{key: tier, values: [web]}]}", "spec.selector.matchExpressions[0].operator",
            "required: In, NotIn, Exists or DoesNotExist"),
        arguments("{matchExpressions: [{operator: Exists}]}", "spec.selector.matchExpressions[0].key", "required"),
        arguments("{matchExpressions: [{key: 'bad key!', operator: Exists}]}",
            "spec.selector.matchExpressions[0].key", "'bad key!' is not a valid label key"),
        arguments("{matchExpressions: [{key: tier, operator: In, values: [web, 'no good']}]}",
            "spec.selector.matchExpressions[0].values[1]", "'no good' is not a valid label value"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSelectors")
  void aSelectorTheApiServerWouldRefuseIsRefusedAtItsField(String selector, String path, String message) {
    assertThat(withSelector(selector).problems()).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo(path);
      assertThat(p.message()).contains(message);
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{matchLabels: {app: checkout, app.kubernetes.io/name: checkout, 'example.com/tier': '', x: A-1_b.c}}",
      "{matchExpressions: [{key: tier, operator: In, values: [web, '']}, {key: canary, operator: DoesNotExist}]}",
      "{matchExpressions: [{key: tier, operator: NotIn, values: [db]}, {key: app, operator: Exists, values: []}]}"})
  void validSelectorsAreAccepted(String selector) {
    assertThat(withSelector(selector).problems()).isEmpty();
  }

  static Stream<Arguments> invalidSpecs() {
    return Stream.of(
        // object names the policy refers to
        arguments("  prometheus: {url: 'http://p:9090', bearerTokenSecretRef: {name: 'Päy\"}', key: token}}\n",
            "spec.prometheus.bearerTokenSecretRef.name", "'Päy\"}' is not a valid Secret name"),
        arguments("  prometheus: {url: 'http://p:9090', caSecretRef: {name: Prom-CA, key: ca.crt}}\n",
            "spec.prometheus.caSecretRef.name", "'Prom-CA' is not a valid Secret name: use lower-case letters"),
        arguments("  prometheus: {url: 'http://p:9090', caSecretRef: {name: '" + "a".repeat(254) + "', key: c}}\n",
            "spec.prometheus.caSecretRef.name", "Secret name is too long: at most 253 characters, got 254"),
        arguments("  prometheus: {url: 'http://p:9090', bearerTokenSecretRef: {name: t, key: 'my token'}}\n",
            "spec.prometheus.bearerTokenSecretRef.key", "'my token' is not a valid Secret key"),
        arguments("  prometheus: {url: 'http://p:9090', bearerTokenSecretRef: {name: t, key: '..token'}}\n",
            "spec.prometheus.bearerTokenSecretRef.key", "nor start with '..'"),
        arguments("  signals:\n    custom: [{name: 'my probe', query: up}]\n", "spec.signals.custom[0].name",
            "'my probe' is not a signal name"),
        // durations
        arguments("  observation: {window: 99999999999999999999999s}\n", "spec.observation.window",
            "'99999999999999999999999s' is out of range: a duration is at most 2562047h47m16s (about 292 years)"),
        arguments("  observation: {window: 2562048h}\n", "spec.observation.window", "is out of range"),
        arguments("  observation: {initialDelay: '0'}\n", "spec.observation.initialDelay", "'0' is not a duration"),
        arguments("  tiers:\n    rapid:\n      latencyP95: {above: 99999999999999999999999s}\n",
            "spec.tiers.rapid.latencyP95.above", "is out of range"),
        arguments("  signals: {rateWindow: 99999999999999999999999s}\n", "spec.signals.rateWindow",
            "'99999999999999999999999s' is out of range: Prometheus durations are at most 292y24w3d23h47m16s854ms"),
        arguments("  signals: {rateWindow: 30s1m}\n", "spec.signals.rateWindow",
            "'30s1m' cannot be substituted into a query: use whole numbers of h, m, s and ms, largest first"),
        arguments("  signals: {rateWindow: 1d}\n", "spec.signals.rateWindow", "cannot be substituted into a query"),
        arguments("  signals: {rateWindow: 0s}\n", "spec.signals.rateWindow", "must be longer than 0s"),
        // PromQL
        arguments("  signals:\n    errorRate: {query: 'up{h={{podTemplateHash}}}'}\n", "spec.signals.errorRate.query",
            "not PromQL at column 6: expected a string after \"h=\", got \"5d4f8c7b9f\" (quote {{podTemplateHash}}:"
                + " \"{{podTemplateHash}}\")"),
        arguments("  signals:\n    errorRate: {query: 'sum(x{rev={{revision}}})'}\n", "spec.signals.errorRate.query",
            "not PromQL at column 11: expected a string after \"rev=\", got \"7\" (quote {{revision}}"),
        arguments("  signals:\n    latencyP95: {query: 'this is not promql((('}\n", "spec.signals.latencyP95.query",
            "not PromQL at column 6: unexpected \"is\" after a complete expression"),
        arguments("  signals:\n    requestRate: {query: 'sum(rate(http_requests_total{namespace=\"{{namespace}}\"}))'}\n",
            "spec.signals.requestRate.query", "not PromQL at column 10: the argument of rate() must be a range"
                + " vector, got an instant vector: add a range"),
        arguments("  signals:\n    custom: [{name: probe, query: 'min(probe_success{job=\"e2e\"}'}]\n",
            "spec.signals.custom[0].query", "not PromQL at column 4: the \"(\" here is not closed"),
        arguments("  signals:\n    custom: [{name: probe, query: 'x{a=~\"5\\d\\d\"}'}]\n",
            "spec.signals.custom[0].query", "not PromQL at column 8: \\d is not an escape sequence"),
        arguments("  signals:\n    custom: [{name: probe, query: 'rate(x[5m])[10m]'}]\n",
            "spec.signals.custom[0].query", "a range such as [5m] can only follow a selector"),
        arguments("  signals:\n    custom: [{name: probe, query: 'x[5m]'}]\n", "spec.signals.custom[0].query",
            "the query gives a range vector; a signal needs an instant vector or a scalar"),
        arguments("  signals:\n    custom: [{name: probe, query: '\"text\"'}]\n", "spec.signals.custom[0].query",
            "the query gives a string"),
        arguments("  signals:\n    custom: [{name: probe, query: \"{job=~\\\".*\\\"}\"}]\n",
            "spec.signals.custom[0].query", "would select every series"),
        arguments("  signals:\n    custom: [{name: probe, query: 'rate(x[{{window}}])'}]\n"
            + "    rateWindow: 0s\n", "spec.signals.rateWindow", "must be longer than 0s"),
        arguments("  signals:\n    custom: [{name: probe, query: \"sum(rate(x[5m]))\\n  / sum(rate(y[5m])\"}]\n",
            "spec.signals.custom[0].query", "not PromQL at line 2, column 8: the \"(\" here is not closed"),
        arguments("  signals: {groupBy: le}\n    # and a default query that stays valid\n", null, null));
  }

  @ParameterizedTest(name = "{1}: {2}")
  @MethodSource("invalidSpecs")
  void whatTheApiServerOrPrometheusWouldRefuseIsRefusedAtItsField(String spec, String path, String message) {
    CompiledPolicy compiled = compile(spec, true);
    if (path == null) {
      assertThat(compiled.problems()).isEmpty();
      return;
    }
    assertThat(compiled.problems()).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo(path);
      assertThat(p.message()).contains(message);
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"1m", "30s", "1m30s", "90s", "2h", "1500ms"})
  void rateWindowsBothTheCrdAndPrometheusAcceptAreAccepted(String window) {
    CompiledPolicy compiled = compile("  signals: {rateWindow: " + window + "}\n", true);
    assertThat(compiled.problems()).isEmpty();
    assertThat(compiled.queries().rateWindow()).isEqualTo(window);
  }

  @ParameterizedTest
  @ValueSource(strings = {"checkout", "my.policy-2", "a"})
  void validNamesAreAccepted(String name) {
    assertThat(PolicyCompiler.metadata(new ObjectMetaBuilder().withName(name).withNamespace("shop-1").build()))
        .isEmpty();
  }

  static Stream<Arguments> invalidMetadata() {
    return Stream.of(
        arguments("Päy\"}", "shop", "metadata.name", "'Päy\"}' is not a valid policy name: use lower-case letters"),
        arguments("Checkout", "shop", "metadata.name", "is not a valid policy name"),
        arguments("checkout-", "shop", "metadata.name", "is not a valid policy name"),
        arguments("p".repeat(64), "shop", "metadata.name", "is too long: at most 63 characters, got 64 (it is the"
            + " value of the label rollbackguard.io/policy on the policy's RolloutVerdicts)"),
        arguments("p".repeat(254), "shop", "metadata.name", "policy name is too long: at most 253 characters"),
        arguments("", "shop", "metadata.name", "required"),
        arguments("checkout", "Shop", "metadata.namespace", "'Shop' is not a valid namespace name"),
        arguments("checkout", "shop.eu", "metadata.namespace", "'shop.eu' is not a valid namespace name"),
        arguments("checkout", "n".repeat(64), "metadata.namespace", "namespace name is too long: at most 63"));
  }

  @ParameterizedTest(name = "{2}: {3}")
  @MethodSource("invalidMetadata")
  void anInvalidNameOrNamespaceIsRefusedAtItsField(String name, String namespace, String path, String message) {
    assertThat(PolicyCompiler.metadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build()))
        .singleElement().satisfies(p -> {
          assertThat(p.path()).isEqualTo(path);
          assertThat(p.message()).contains(message);
        });
  }

  @Test
  void theWholeManifestIsCheckedNameAndSpecTogether() {
    var manifest = TestingPolicies.manifest("  observation: {window: forever}\n");
    manifest.getMetadata().setName("p".repeat(64));
    CompiledPolicy compiled = PolicyCompiler.compile(manifest, true, Map.of());
    assertThat(compiled.problems()).extracting(PolicyProblem::path)
        .containsExactly("metadata.name", "spec.observation.window");
  }

  @Test
  void anExperimentalFunctionIsAWarningNotAProblem() {
    CompiledPolicy compiled = compile("  signals:\n    custom: [{name: probe, query: 'mad_over_time(x[5m])'}]\n",
        true);
    assertThat(compiled.valid()).isTrue();
    assertThat(compiled.warnings()).singleElement().hasToString("spec.signals.custom[0].query: uses the"
        + " experimental function mad_over_time(): Prometheus runs it only with"
        + " --enable-feature=promql-experimental-functions");
  }

  @Test
  void theDefaultQueriesAreValidPromqlForAnyGroupByLabel() {
    for (String groupBy : List.of("deployment", "app", "service_name")) {
      for (String signal : List.of(Signals.ERROR_RATE, Signals.LATENCY_P95, Signals.REQUEST_RATE)) {
        assertThat(PolicyCompiler.defaultQueryProblem(DefaultQueries.of(signal, groupBy))).as(signal).isNull();
      }
    }
  }

  @Test
  void anOperatorDefaultQueryIsCheckedAsPromqlToo() {
    assertThat(PolicyCompiler.defaultQueryProblem("sum(rate(errors_total{app=~\"{{deployments}}\"}[{{window}}]))"
        + " by (app)")).isNull();
    assertThat(PolicyCompiler.defaultQueryProblem("sum(rate(errors_total{app=~\"{{deployments}}\"}))"))
        .startsWith("not PromQL at column 10: the argument of rate() must be a range vector");
  }
}
