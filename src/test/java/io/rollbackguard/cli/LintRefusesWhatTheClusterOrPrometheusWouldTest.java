package io.rollbackguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lint refuses invalid label selectors, object names, durations and PromQL, one line per problem at its field. */
class LintRefusesWhatTheClusterOrPrometheusWouldTest {
  @TempDir Path dir;

  @Test
  void eachProblemIsOneLineNamingTheFileAndTheField() throws IOException {
    Path file = dir.resolve("broken.yaml");
    Files.writeString(file, """
        apiVersion: rollbackguard.io/v1alpha1
        kind: RollbackPolicy
        metadata: {name: checkout, namespace: shop}
        spec:
          selector:
            matchLabels: {"bad key!": checkout}
            matchExpressions: [{key: tier, operator: In}]
          prometheus:
            url: http://prometheus.monitoring:9090
            bearerTokenSecretRef: {name: 'Päy"}', key: token}
          signals:
            rateWindow: 99999999999999999999999s
            errorRate: {query: 'up{h={{podTemplateHash}}}'}
            latencyP95: {query: 'this is not promql((('}
        """);
    CliRun run = CliRun.of("lint", file.toString());
    assertThat(run.out().lines()).containsExactly(
        file + ": spec.selector.matchLabels.bad key!: 'bad key!' is not a valid label key: use letters, digits, '-',"
            + " '_' and '.', starting and ending with a letter or digit, optionally after a DNS prefix and '/' (e.g."
            + " app.kubernetes.io/name), at line 6",
        file + ": spec.selector.matchExpressions[0].values: required when the operator is In: name at least one"
            + " value, at line 7",
        file + ": spec.prometheus.bearerTokenSecretRef.name: 'Päy\"}' is not a valid Secret name: use lower-case"
            + " letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. prom-token), at line 10",
        file + ": spec.signals.rateWindow: '99999999999999999999999s' is out of range: Prometheus durations are at"
            + " most 292y24w3d23h47m16s854ms (about 292 years), at line 12",
        file + ": spec.signals.errorRate.query: not PromQL at column 6: expected a string after \"h=\", got"
            + " \"5d4f8c7b9f\" (quote {{podTemplateHash}}: \"{{podTemplateHash}}\"), at line 13",
        file + ": spec.signals.latencyP95.query: not PromQL at column 6: unexpected \"is\" after a complete"
            + " expression: expected an operator (such as +, /, and, or) or the end of the query, at line 14",
        "1 of 1 policy invalid (6 problems)");
    assertThat(run.exitCode()).isEqualTo(1);
  }
}
