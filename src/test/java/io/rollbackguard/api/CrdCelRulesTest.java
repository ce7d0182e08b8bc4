package io.rollbackguard.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.rollbackguard.policy.CompiledPolicy;
import io.rollbackguard.policy.PolicyCompiler;
import io.rollbackguard.policy.PolicyYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The RollbackPolicy CRD's CEL rules, evaluated as the API server would ({@link CrdCelRules}): the examples users
 * copy pass them, and each rule rejects what it is there for, with its message, where lint rejects it too (so that
 * {@code kubectl apply} and {@code rollback-guard lint} agree; lint says more, and checks what CEL cannot).
 */
class CrdCelRulesTest {
  static final CrdCelRules RULES = CrdCelRules.load(CrdSchema.load(CrdSchemaTest.CRD));
  static final ObjectMapper YAML = new YAMLMapper();

  /** A policy whose spec is {@code specFlow} (a YAML flow mapping) with a selector added. */
  static String policyYaml(String specFlow) {
    String inner = specFlow.strip().substring(1, specFlow.strip().length() - 1);
    return "apiVersion: rollbackguard.io/v1alpha1\nkind: RollbackPolicy\nmetadata: {name: p, namespace: shop}\n"
        + "spec: {selector: {matchLabels: {app: checkout}}, " + inner + "}\n";
  }

  @Test
  void everyRuleCompilesWithStandardCel() {
    assertThat(RULES.rules()).hasSizeGreaterThanOrEqualTo(20);
    assertThat(RULES.rules()).extracting(CrdCelRules.Rule::path).contains("spec", "spec.observation",
        "spec.observation.watch.interval", "spec.slo.objective", "spec.tiers.rapid.burnRate",
        "spec.tiers.evaluate.regression", "spec.tiers.immediate.custom[]");
  }

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("examples"))) {
      return files.filter(f -> f.toString().endsWith(".yaml") && !f.toString().endsWith(".test.yaml")).sorted()
          .toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void theExamplesPassEveryRule(Path example) throws IOException {
    List<JsonNode> documents = YAML.readValues(YAML.createParser(example.toFile()), JsonNode.class).readAll();
    List<JsonNode> policies = documents.stream().filter(d -> "RollbackPolicy".equals(d.path("kind").asText()))
        .toList();
    assertThat(policies).isNotEmpty();
    for (JsonNode p : policies) {
      assertThat(RULES.violations(p)).as(example.toString()).isEmpty();
    }
  }

  /** Each rule, broken: its message at its path (" ; " between two); lint refuses the same spec. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      {tiers: {immediate: {errorRate: {above: 0.05, below: 0.01}}}}           | spec.tiers.immediate.errorRate: set above or below, not both
      {tiers: {evaluate: {latencyP95: {above: 1s, below: 10ms}}}}             | spec.tiers.evaluate.latencyP95: set above or below, not both
      {tiers: {rapid: {custom: [{signal: queue, above: 1, below: 0}]}}}      | spec.tiers.rapid.custom[0]: set above or below, not both
      {slo: {objective: 0.999}, tiers: {rapid: {burnRate: {factor: 6}}}}      | spec.tiers.rapid.burnRate: set factor, longWindow and shortWindow (a burnRate named here replaces the default whole)
      {slo: {objective: 0.999}, tiers: {rapid: {burnRate: {factor: 6, longWindow: 30m, shortWindow: 1h}}}} | spec.tiers.rapid.burnRate: shortWindow must be shorter than longWindow
      {tiers: {immediate: {burnRate: {factor: 14.4, longWindow: 1h, shortWindow: 5m}}}} | spec: a burnRate criterion needs spec.slo.objective
      {slo: {objective: 99.9}}                                                | spec.slo.objective: objective is a fraction between 0 and 1, e.g. 0.999
      {slo: {objective: 1}}                                                   | spec.slo.objective: objective is a fraction between 0 and 1, e.g. 0.999
      {observation: {interval: 30s, watch: {for: 2h, interval: 10s}}}         | spec.observation: watch.interval must be at least observation.interval
      {observation: {watch: {for: 2h, interval: 15s}}}                        | spec.observation: watch.interval must be at least observation.interval
      {observation: {watch: {for: 2h, interval: 0s}}}                         | spec.observation: watch.interval must be at least observation.interval ; spec.observation.watch.interval: watch.interval must be longer than 0s
      {observation: {watch: {for: 2h, tiers: []}}}                            | spec.observation.watch.tiers: watch.tiers must list at least one tier
      {tiers: {rapid: {regression: {baseline: 1h}}}}                          | spec.tiers.rapid.regression: set signal: the metric signal to compare with its baseline, e.g. latencyP95
      {tiers: {evaluate: {regression: {signal: crashLooping}}}}               | spec.tiers.evaluate.regression: signal must be a metric signal (errorRate, latencyP95, requestRate or a signals.custom name)
      """)
  void eachRuleRejectsWhatItIsFor(String spec, String violations) throws Exception {
    String yaml = policyYaml(spec);
    assertThat(RULES.violations(YAML.readTree(yaml))).containsExactly(violations.split(" ; "));
    CompiledPolicy linted = PolicyCompiler.compile(PolicyYaml.parse(yaml).getSpec(), true);
    assertThat(linted.valid()).as("lint refuses it too").isFalse();
  }

  /** What the rules allow next to what they refuse. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      {tiers: {immediate: {burnRate: {disabled: true}}}}
      {slo: {objective: 0.99}, tiers: {rapid: {burnRate: {factor: 6, longWindow: 6h, shortWindow: 30m}}}}
      {observation: {interval: 10s, watch: {for: 2h, interval: 10s}}}
      {observation: {watch: {for: 2h, tiers: [evaluate]}}}
      {tiers: {rapid: {regression: {disabled: true}}}}
      {tiers: {rapid: {regression: {signal: latencyP95}}, evaluate: {errorRate: {below: 0.5}}}}
      """)
  void whatTheRulesAllow(String spec) throws Exception {
    assertThat(RULES.violations(YAML.readTree(policyYaml(spec)))).isEmpty();
  }
}
