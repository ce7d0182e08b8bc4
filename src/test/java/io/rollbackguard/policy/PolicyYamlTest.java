package io.rollbackguard.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rollbackguard.api.RollbackPolicy;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyYamlTest {
  static final Path ALIASED = Path.of("src/test/resources/manifest/aliased-policy.yaml");
  static final Path EXPANDED = Path.of("src/test/resources/manifest/expanded-policy.yaml");

  private static final String HEAD = "apiVersion: rollbackguard.io/v1alpha1\nkind: RollbackPolicy\n"
      + "metadata: {name: p, namespace: shop}\nspec:\n  selector: {matchLabels: {app: a}}\n";

  @Test
  void anAliasedPolicyIsBoundAndCompiledExactlyAsItsExpandedForm() throws Exception {
    RollbackPolicy aliased = PolicyYaml.read(ALIASED);
    RollbackPolicy expanded = PolicyYaml.read(EXPANDED);
    assertThat(PolicyYaml.mapper().valueToTree(aliased).toString())
        .isEqualTo(PolicyYaml.mapper().valueToTree(expanded).toString());
    assertThat(aliased.getSpec().procedure.extraSteps).containsExactly("checkout-v2-enabled", "Tell #checkout-oncall");
    assertThat(aliased.getSpec().tiers.rapid.latencyP95.holdFor).isEqualTo("1m");
    CompiledPolicy a = PolicyCompiler.compile(aliased.getSpec(), true);
    CompiledPolicy e = PolicyCompiler.compile(expanded.getSpec(), true);
    assertThat(a.problems()).isEmpty();
    assertThat(a.warnings()).isEqualTo(e.warnings());
    assertThat(a.policy()).hasToString(e.policy().toString());
  }

  @Test
  void aFileMayHoldOtherKindsBesideItsOnePolicy() throws Exception {
    RollbackPolicy policy = PolicyYaml.parse("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: checkout}\n---\n"
        + HEAD);
    assertThat(policy.getMetadata().getName()).isEqualTo("p");
    assertThatThrownBy(() -> PolicyYaml.parse(HEAD + "---\n" + HEAD.replace("name: p", "name: q")))
        .hasMessage("holds 2 RollbackPolicies (p, q); expected one");
    assertThatThrownBy(() -> PolicyYaml.parse("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"))
        .hasMessage("holds no RollbackPolicy (it holds Service/s)");
    assertThatThrownBy(() -> PolicyYaml.parse("# nothing\n")).hasMessage("empty document");
  }

  /** In YAML's words, with the field path and its place: never a Java class, a library's method or its exception. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      tiers: {immediate: []}                         | spec.tiers.immediate: expected a mapping, got a list, at line 6, column 22
      tiers: 5                                       | spec.tiers: '5' is not a mapping, at line 6, column 10
      observation: {minRequestRate: [1]}             | spec.observation.minRequestRate: expected a number, got a list, at line 6, column 33
      observation: {minRequestRate: lots}            | spec.observation.minRequestRate: 'lots' is not a number, at line 6, column 33
      observation: {window: {a: 1}}                  | spec.observation.window: expected a string, got a mapping, at line 6, column 25
      observation: {onNoData: Evaluat}               | spec.observation.onNoData: 'Evaluat' is not one of Evaluate, Ignore, at line 6, column 27
      tiers: {rapid: {errorRate: {disabled: maybe}}} | spec.tiers.rapid.errorRate.disabled: 'maybe' is not true or false, at line 6, column 41
      procedure: {extraSteps: {a: 1}}                | spec.procedure.extraSteps: expected a list, got a mapping, at line 6, column 27
      procedure: {extraSteps: [{a: 1}]}              | spec.procedure.extraSteps[0]: expected a string, got a mapping, at line 6, column 28
      tiers: {rapid: {errorRate: {abov: 0.01}}}      | spec.tiers.rapid.errorRate.abov: unknown field (known: above, below, disabled, for), at line 6, column 31
      """)
  void aSchemaProblemSaysWhereAndWhatInTheWordsOfYaml(String spec, String message) {
    assertThatThrownBy(() -> PolicyYaml.parse(HEAD + "  " + spec + "\n")).hasMessage(message);
  }

  @Test
  void aNumberTooLongToReadSaysSoAndItsValueIsNotEchoedWhole() {
    assertThatThrownBy(() -> PolicyYaml.parse(HEAD + "  observation: {minRequestRate: " + "1".repeat(1500) + "}\n"))
        .hasMessage("spec.observation.minRequestRate: a number of more than 1,000 digits, at line 6, column 33");
    assertThatThrownBy(() -> PolicyYaml.parse(HEAD + "  observation: {window: [" + "x".repeat(500) + "]}\n"))
        .hasMessage("spec.observation.window: expected a string, got a list, at line 6, column 25");
    assertThatThrownBy(() -> PolicyYaml.parse(HEAD + "  observation: {onNoData: " + "x".repeat(500) + "}\n"))
        .hasMessage("spec.observation.onNoData: '" + "x".repeat(57) + "...' is not one of Evaluate, Ignore, at line 6,"
            + " column 27");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      metadata: [a]             | metadata: expected a mapping, got a list, at line 3, column 11
      metadata: {name: [a]}     | metadata.name: expected a string, got a list, at line 3, column 18
      spec: [1]                 | spec: expected a mapping, got a list, at line 3, column 7
      status: {targets: x}      | status.targets: 'x' is not a whole number, at line 3, column 19
      """)
  void theObjectItselfIsJudgedInTheSameWords(String document, String message) {
    assertThatThrownBy(() -> PolicyYaml.parse("apiVersion: rollbackguard.io/v1alpha1\nkind: RollbackPolicy\n"
        + document + "\n")).hasMessage(message).satisfies(e -> assertThat(e.getMessage()).doesNotContain(
            "com.fasterxml", "Exception", "StreamReadConstraints", "Cannot construct instance", "java.", "`"));
  }
}
