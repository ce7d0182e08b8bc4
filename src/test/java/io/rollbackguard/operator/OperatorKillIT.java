package io.rollbackguard.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.rollbackguard.TestingPolicies;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.api.status.TimelineEntry;
import io.rollbackguard.cli.TestingKubeconfig;
import io.rollbackguard.cli.demo.EmbeddedKubernetes;
import io.rollbackguard.cli.demo.SimulatedCluster.Pods;
import io.rollbackguard.cli.demo.SimulatedCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator as it runs in a cluster ({@code rollback-guard run}, its own JVM, leader election on) killed with
 * SIGKILL in the middle of an observation window, then started again: the new process waits out the dead one's
 * Lease, resumes the window from the verdict (it ends when it would have, not a window after the restart), and
 * announces nothing twice.
 */
class OperatorKillIT {
  private static final String NS = "shop";

  @TempDir
  Path dir;

  @Test
  void killedMidWindowAndRestartedTheWindowEndsOnTimeAndNothingIsAnnouncedTwice() throws Exception {
    try (EmbeddedKubernetes k8s = EmbeddedKubernetes.start()) {
      var client = k8s.client();
      SimulatedCluster cluster = new SimulatedCluster(client);
      RollbackPolicy p = TestingPolicies.manifest("  observation: {window: 40s, interval: 1s}\n");
      p.getMetadata().setName("checkout");
      p.getMetadata().setNamespace(NS);
      p.getSpec().selector.setMatchLabels(Map.of("app", "checkout"));
      client.resources(RollbackPolicy.class).resource(p).create();
      cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 2, Map.of("app", "registry/checkout:v1"));
      Path kubeconfig = TestingKubeconfig.write(dir, k8s.url().replaceAll("/+$", ""), NS);

      Process first = start(kubeconfig, dir.resolve("first.log"));
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> status(client), s -> s != null && s.phase == Phase.Stable);
        cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.Ready);
        await().atMost(Duration.ofSeconds(20)).until(() -> status(client), s -> s != null && s.revision == 2
            && s.phase == Phase.Observing && s.samples != null && s.samples.taken != null && s.samples.taken >= 3);
      } finally {
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no lease released
        first.waitFor();
      }
      assertThat(first.exitValue()).as("killed by SIGKILL").isEqualTo(137);
      Instant observed = Instant.parse(last(status(client).timeline, "RolloutObserved").at);

      Process second = start(kubeconfig, dir.resolve("second.log"));
      try {
        RolloutVerdictStatus after = await().atMost(Duration.ofSeconds(90)).until(() -> status(client),
            s -> s != null && s.revision == 2 && s.phase != Phase.Observing);
        TimelineEntry passed = last(after.timeline, "ObservationPassed");
        assertThat(Duration.between(observed, Instant.parse(passed.at)))
            .as("the window ends 40 s after the rollout was observed, not 40 s after the restart")
            .isBetween(Duration.ofSeconds(38), Duration.ofSeconds(46));
        assertThat(after.timeline).filteredOn(e -> e.event.equals("RolloutObserved") && !e.at.isEmpty()
            && !Instant.parse(e.at).isBefore(observed)).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
          List<Event> events = client.v1().events().inNamespace(NS).list().getItems().stream()
              .filter(e -> "Deployment".equals(e.getInvolvedObject().getKind())).toList();
          assertThat(events).extracting(e -> e.getReason() + " " + e.getMessage()).doesNotHaveDuplicates();
          assertThat(events).filteredOn(e -> "ObservationPassed".equals(e.getReason())).isNotEmpty();
        });
      } finally {
        second.destroyForcibly();
        second.waitFor();
      }
    }
  }

  private static RolloutVerdictStatus status(io.fabric8.kubernetes.client.KubernetesClient client) {
    RolloutVerdict v = client.resources(RolloutVerdict.class).inNamespace(NS).withName("checkout").get();
    return v == null ? null : v.getStatus();
  }

  private static TimelineEntry last(List<TimelineEntry> timeline, String event) {
    return timeline.stream().filter(e -> e.event.equals(event)).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no " + event + " in " + timeline.stream().map(e -> e.event).toList()));
  }

  /** {@code rollback-guard run} in a JVM of its own, on this test's classpath, leader election on. */
  private static Process start(Path kubeconfig, Path log) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        "io.rollbackguard.cli.RollbackGuard", "run", "--kubeconfig", kubeconfig.toString(), "--namespaces", NS,
        "--port", "0");
    pb.environment().remove("KUBECONFIG");
    pb.environment().remove("PROMETHEUS_URL");
    pb.environment().remove("POD_NAMESPACE");
    return pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
