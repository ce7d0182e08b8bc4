package io.rollbackguard.cli;

import static io.rollbackguard.cli.IncidentCommandRun.FIXTURES;
import static io.rollbackguard.cli.IncidentCommandRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.status.RollbackPolicyStatus;
import io.rollbackguard.cli.demo.EmbeddedKubernetes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** runbook and postmortem reading a live policy from an API server, as on call would run them. */
class RunbookCommandIT {
  @TempDir Path home;
  EmbeddedKubernetes k8s;
  Map<String, String> env;

  @BeforeEach
  void start() throws IOException {
    k8s = EmbeddedKubernetes.start();
    KubernetesClient client = k8s.client();
    for (String fixture : new String[] {"checkout-breached.yaml", "payments-rolled-back.yaml"}) {
      RollbackPolicy saved = client.getKubernetesSerialization()
          .unmarshal(Files.readString(FIXTURES.resolve(fixture)), RollbackPolicy.class);
      RollbackPolicyStatus status = saved.getStatus();
      saved.getMetadata().setResourceVersion(null);
      saved.getMetadata().setUid(null);
      saved.setStatus(null);
      RollbackPolicy created = client.resources(RollbackPolicy.class).resource(saved).create();
      created.setStatus(status);
      client.resources(RollbackPolicy.class).resource(created).updateStatus();
    }
    Path kubeconfig = TestingKubeconfig.write(home, k8s.url(), "shop");
    env = Map.of("KUBECONFIG", kubeconfig.toString());
  }

  @AfterEach
  void stop() {
    k8s.close();
  }

  @Test
  void theRunbookFromTheClusterIsTheOneFromTheSavedFile() throws IOException {
    CliRun r = run(new RunbookCommand(), RunbookCommandTest.DURING_THE_INCIDENT, env, home, "-n", "shop",
        "checkout", "checkout");
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo(Files.readString(FIXTURES.resolve("checkout-breached.runbook.md")));
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void thePostmortemUsesTheKubeconfigContextsNamespaceWhenNoneIsGiven() throws IOException {
    CliRun r = run(new PostmortemCommand(), RunbookCommandTest.AFTER_THE_ROLLBACK, env, home, "payments");
    assertThat(r.out()).isEqualTo(Files.readString(FIXTURES.resolve("payments-rolled-back.postmortem.md")));
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void anUnknownPolicyExitsTwoNamingTheNamespace() {
    CliRun r = run(new RunbookCommand(), RunbookCommandTest.DURING_THE_INCIDENT, env, home, "-n", "shop", "cart");
    assertThat(r.err()).isEqualTo("error: no RollbackPolicy cart in namespace shop (kubectl get rbp -n shop)\n");
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
