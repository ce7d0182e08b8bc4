package io.rollbackguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A policy written with anchors, aliases and merge keys is the policy kubectl sends: `test` judges that one. */
class AliasedPolicyTest {
  static final Path MANIFESTS = Path.of("src/test/resources/manifest");

  @TempDir Path dir;

  /** Three cases that tell the tiers apart: each criterion the aliases fill in must be there, with its own values. */
  private static final String TESTS = """
      tests:
        - name: an error spike is immediate
          interval: 30s
          deployment: {name: checkout, namespace: shop, revision: 7, stableRevision: 6}
          series: {errorRate: [0.06, 0.06, 0.06, 0.06], latencyP95: [0.1, 0.1, 0.1, 0.1], checkout-probe: [1, 1, 1, 1]}
          expect: {action: RollbackImmediate, tier: immediate, firstActionAt: 60s}
        - name: slow responses are immediate too, through the aliased for
          interval: 30s
          deployment: {name: checkout, namespace: shop, revision: 7, stableRevision: 6}
          series: {errorRate: [0, 0, 0, 0], latencyP95: [3.5, 3.5, 3.5, 3.5], checkout-probe: [1, 1, 1, 1]}
          expect: {action: RollbackImmediate, tier: immediate, firstActionAt: 60s}
        - name: a milder error rate is rapid, by the merged tier's own threshold, which disables the feature flag
          interval: 30s
          deployment: {name: checkout, namespace: shop, revision: 7, stableRevision: 6}
          series: {errorRate: [0.03, 0.03, 0.03, 0.03, 0.03, 0.03], latencyP95: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
                   checkout-probe: [1, 1, 1, 1, 1, 1]}
          expect: {action: DisableFeatureFlag, tier: rapid, firstActionAt: 120s}
      """;

  private Path testOf(String policy) throws IOException {
    Files.copy(MANIFESTS.resolve(policy), dir.resolve(policy));
    return Files.writeString(dir.resolve(policy.replace(".yaml", ".test.yaml")), "policy: " + policy + "\n" + TESTS);
  }

  @Test
  void anAliasedPolicyIsTestedExactlyAsItsExpandedForm() throws IOException {
    CliRun aliased = CliRun.of("test", testOf("aliased-policy.yaml").toString());
    CliRun expanded = CliRun.of("test", testOf("expanded-policy.yaml").toString());
    assertThat(aliased.err()).isEmpty();
    assertThat(aliased.out()).isEqualTo(expanded.out()).endsWith("3 passed, 0 failed\n");
    assertThat(aliased.exitCode()).isZero();
  }

  @Test
  void aTestFileMayUseAliasesToo() throws IOException {
    Files.copy(MANIFESTS.resolve("expanded-policy.yaml"), dir.resolve("checkout.yaml"));
    Path test = Files.writeString(dir.resolve("checkout.test.yaml"), """
        policy: checkout.yaml
        tests:
          - name: spike
            interval: 30s
            deployment: &checkout {name: checkout, namespace: shop, revision: 7, stableRevision: 6}
            series: &spike {errorRate: [0.06, 0.06, 0.06], latencyP95: [0.1, 0.1, 0.1]}
            expect: {action: RollbackImmediate}
          - name: the same spike, named again
            interval: 30s
            deployment: *checkout
            series: *spike
            expect: {action: RollbackImmediate}
        """);
    CliRun run = CliRun.of("test", test.toString());
    assertThat(run.out()).isEqualTo("PASS spike\nPASS the same spike, named again\n2 passed, 0 failed\n");
  }
}
