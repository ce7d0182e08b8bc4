package io.rollbackguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.cli.demo.EmbeddedKubernetes;
import io.rollbackguard.cli.demo.SimulatedCluster;
import io.rollbackguard.policy.PolicyYaml;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandIT {
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void runServesHealthReadinessAndTheRecommendationGauge() throws Exception {
    try (EmbeddedKubernetes k8s = EmbeddedKubernetes.start()) {
      Path kubeconfig = TestingKubeconfig.write(dir, k8s.url(), null);
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      AtomicInteger exit = new AtomicInteger(-1);
      String[] args = {"run", "--kubeconfig", kubeconfig.toString(), "--port", Integer.toString(port),
          "--namespaces", "shop"};
      Thread operator = new Thread(() -> exit.set(CliRun.of(args).exitCode()));
      operator.start();
      int p = port;
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .untilAsserted(() -> assertThat(get(p, "/readyz").statusCode()).isEqualTo(200));
      assertThat(get(port, "/healthz").body()).isEqualTo("ok\n");

      k8s.client().resources(RollbackPolicy.class).resource(PolicyYaml.parse(
          "apiVersion: rollbackguard.io/v1alpha1\nkind: RollbackPolicy\nmetadata: {name: checkout, namespace: shop}\n"
              + "spec:\n  selector: {matchLabels: {app: checkout}}\n")).create();
      SimulatedCluster cluster = new SimulatedCluster(k8s.client());
      cluster.deploy("shop", "checkout", Map.of("app", "checkout"), 1, Map.of("app", "registry/checkout:v1"));
      // a quiet Deployment exports no series (the gauge follows incidents, not the fleet) ...
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(
          k8s.client().resources(io.rollbackguard.api.RolloutVerdict.class).inNamespace("shop").withName("checkout")
              .get().getStatus().phase).isNotNull());
      assertThat(get(p, "/metrics").body()).contains("operator_sdk")
          .doesNotContain("rollbackguard_recommendation{action=\"None\"");
      // ... one with a recommendation does
      cluster.annotate("shop", "checkout", "rollbackguard.io/declare", "security-flaw");
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get(p, "/metrics").body())
          .contains("rollbackguard_recommendation{action=\"RollbackImmediate\",deployment=\"checkout\","
              + "namespace=\"shop\",policy=\"checkout\"} 1"));

      operator.interrupt();
      operator.join(Duration.ofSeconds(20).toMillis());
      assertThat(exit.get()).isZero();
    }
  }
}
