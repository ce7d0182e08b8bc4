package io.rollbackguard.cli;

import static io.rollbackguard.cli.IncidentCommandRun.FIXTURES;
import static io.rollbackguard.cli.IncidentCommandRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.api.status.RollbackPolicyStatus;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.cli.demo.EmbeddedKubernetes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** runbook and postmortem reading a live verdict and its policy from an API server, as on call would run them. */
class RunbookCommandIT {
  @TempDir Path home;
  EmbeddedKubernetes k8s;
  Map<String, String> env;

  @BeforeEach
  void start() throws IOException {
    k8s = EmbeddedKubernetes.start();
    KubernetesClient client = k8s.client();
    client.getKubernetesSerialization().registerKubernetesResource(RollbackPolicy.class);
    client.getKubernetesSerialization().registerKubernetesResource(RolloutVerdict.class);
    for (String fixture : new String[] {"checkout-breached.yaml", "payments-rolled-back.yaml"}) {
      KubernetesList saved = client.getKubernetesSerialization()
          .unmarshal(Files.readString(FIXTURES.resolve(fixture)), KubernetesList.class);
      for (HasMetadata item : saved.getItems()) {
        if (item instanceof RollbackPolicy policy) {
          RollbackPolicyStatus status = policy.getStatus();
          policy.setStatus(null);
          RollbackPolicy created = client.resources(RollbackPolicy.class).resource(fresh(policy)).create();
          created.setStatus(status);
          client.resources(RollbackPolicy.class).resource(created).updateStatus();
        } else if (item instanceof RolloutVerdict verdict) {
          RolloutVerdictStatus status = verdict.getStatus();
          verdict.setStatus(null);
          RolloutVerdict created = client.resources(RolloutVerdict.class).resource(fresh(verdict)).create();
          created.setStatus(status);
          client.resources(RolloutVerdict.class).resource(created).updateStatus();
        } else {
          throw new IllegalStateException(fixture + " holds a " + item.getKind());
        }
      }
    }
    Path kubeconfig = TestingKubeconfig.write(home, k8s.url(), "shop");
    env = Map.of("KUBECONFIG", kubeconfig.toString());
  }

  /** A saved object, ready to be created again: the server gives it a new uid and resourceVersion. */
  private static <T extends HasMetadata> T fresh(T saved) {
    saved.getMetadata().setResourceVersion(null);
    saved.getMetadata().setUid(null);
    return saved;
  }

  @AfterEach
  void stop() {
    k8s.close();
  }

  @Test
  void theRunbookFromTheClusterIsTheOneFromTheSavedFile() throws IOException {
    CliRun r = run(new RunbookCommand(), RunbookCommandTest.DURING_THE_INCIDENT, env, home, "-n", "shop",
        "checkout");
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo(live("checkout-breached.runbook.md"));
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void liveTimesAreTheClocksUnlessNowIsGiven() {
    CliRun r = run(new RunbookCommand(), RunbookCommandTest.DAYS_LATER, env, home, "-n", "shop", "checkout",
        "--now", "2026-11-27T14:43:10Z");
    assertThat(r.out()).contains("Times are as of 2026-11-27T14:43:10Z, given with --now.\n",
        "**Decide by 2026-11-27T14:41:00Z: passed 2 min ago** (now 2026-11-27T14:43:10Z)");
    CliRun clock = run(new RunbookCommand(), RunbookCommandTest.DAYS_LATER, env, home, "-n", "shop", "checkout");
    assertThat(clock.out()).contains("**Decide by 2026-11-27T14:41:00Z: passed 75 h 14 min ago**")
        .doesNotContain("Times are as of");
  }

  @Test
  void aQuietDeploymentHasNoPostmortemFromTheClusterEither() {
    CliRun r = run(new PostmortemCommand(), RunbookCommandTest.DURING_THE_INCIDENT, env, home, "checkout-worker");
    assertThat(r.err()).isEqualTo("checkout-worker: no incident to write up (no recommendation and no lastIncident in"
        + " its RolloutVerdict); pass --force to draft one anyway\n");
    assertThat(r.exitCode()).isEqualTo(1);
  }

  /** A golden document as the cluster gives it: live, times are the clock's, and the document does not say so. */
  private static String live(String golden) throws IOException {
    return Files.readString(FIXTURES.resolve(golden)).replaceFirst("\nTimes are as of [^\n]*\n\n", "\n");
  }

  @Test
  void thePostmortemUsesTheKubeconfigContextsNamespaceWhenNoneIsGiven() throws IOException {
    CliRun r = run(new PostmortemCommand(), RunbookCommandTest.AFTER_THE_ROLLBACK, env, home, "payments");
    assertThat(r.out()).isEqualTo(live("payments-rolled-back.postmortem.md"));
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void anUnknownDeploymentExitsTwoNamingTheNamespace() {
    CliRun r = run(new RunbookCommand(), RunbookCommandTest.DURING_THE_INCIDENT, env, home, "-n", "shop", "cart");
    assertThat(r.err()).isEqualTo("error: no RolloutVerdict cart in namespace shop (kubectl get rv -n shop)\n");
    assertThat(r.exitCode()).isEqualTo(2);
  }

  @Test
  void theCommandsOnlyRead() {
    run(new RunbookCommand(), RunbookCommandTest.DURING_THE_INCIDENT, env, home, "-n", "shop", "checkout");
    run(new PostmortemCommand(), RunbookCommandTest.AFTER_THE_ROLLBACK, env, home, "-n", "shop", "payments");
    assertThat(k8s.requests()).filteredOn(req -> req.userAgent() != null
        && req.userAgent().startsWith("rollback-guard-cli")).isNotEmpty().noneMatch(EmbeddedKubernetes.Request::isWrite);
  }
}
