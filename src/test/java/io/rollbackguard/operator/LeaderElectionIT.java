package io.rollbackguard.operator;

import static io.rollbackguard.operator.OperatorHarness.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.cli.demo.EmbeddedKubernetes;
import io.rollbackguard.cli.demo.SimulatedCluster.Pods;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two replicas on one API server: one acts, the other takes over when it stops, and nothing is done twice. */
class LeaderElectionIT {
  // shorter than Kubernetes' 15/10/2 s so the test is quick; the same proportions
  static final Duration LEASE = Duration.ofSeconds(3);
  static final Duration RENEW = Duration.ofSeconds(2);
  static final Duration RETRY = Duration.ofMillis(400);

  OperatorHarness h = new OperatorHarness();
  RollbackGuardOperator a;
  RollbackGuardOperator b;

  static OperatorSettings replica(String name) {
    return new OperatorSettings(Set.of(), null, null, 0).withLeaderElection(new OperatorSettings.LeaderElection(
        "rollback-guard", "rollback-guard", name, LEASE, RENEW, RETRY, false));
  }

  @AfterEach
  void stop() {
    for (RollbackGuardOperator o : new RollbackGuardOperator[] {a, b}) {
      if (o != null) {
        o.close();
      }
    }
    h.close();
  }

  private static String writer(EmbeddedKubernetes.Request r) {
    return r.userAgent().substring(r.userAgent().indexOf('/') + 1);
  }

  @Test
  void oneReplicaActsAndTheOtherTakesOverMidWindowWithoutRepeatingAnything() {
    a = RollbackGuardOperator.start(h.k8s.newOperatorClient("a"), replica("a"), Clock.systemUTC());
    await().atMost(Duration.ofSeconds(10)).until(a::leading);
    b = RollbackGuardOperator.start(h.k8s.newOperatorClient("b"), replica("b"), Clock.systemUTC());
    assertThat(b.ready()).as("a standby is ready once its informers are synced").isTrue();
    assertThat(b.leading()).isFalse();
    assertThat(b.registry().scrape()).contains("rollbackguard_leader 0.0");
    assertThat(a.registry().scrape()).contains("rollbackguard_leader 1.0");

    h.createPolicy("checkout", "checkout", "  observation: {window: 12s, interval: 1s}\n");
    h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 2, Map.of("app", "registry/checkout:v1"));
    await().atMost(Duration.ofSeconds(20)).until(() -> h.target("checkout", "checkout"),
        d -> d != null && d.phase == Phase.Stable);
    h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.Ready);
    RolloutVerdictStatus observing = await().atMost(Duration.ofSeconds(20)).until(
        () -> h.target("checkout", "checkout"), d -> d != null && d.revision == 2 && d.phase == Phase.Observing);
    assertThat(h.k8s.requests()).filteredOn(r -> r.fromOperator() && r.isWrite()
        && !r.path().contains("/leases") && !r.path().contains("selfsubjectrulesreviews")).extracting(r -> writer(r) + " " + r.method() + " " + r.path())
        .allSatisfy(w -> assertThat(w).startsWith("a "));

    // only the leader exports the per-verdict gauges
    await().atMost(Duration.ofSeconds(10)).until(() -> a.registry().scrape(),
        m -> m.contains("rollbackguard_rollout_started_timestamp_seconds{") && m.contains("rollbackguard_verdicts{"));
    assertThat(b.registry().scrape()).doesNotContain("rollbackguard_rollout_started_timestamp_seconds{")
        .doesNotContain("rollbackguard_verdicts{").doesNotContain("rollbackguard_samples_total{");

    long stoppedAt = System.currentTimeMillis();
    a.close();
    a = null;
    await().atMost(LEASE.plus(RETRY.multipliedBy(22).dividedBy(10)).plusSeconds(1)).until(b::leading);
    long tookOver = System.currentTimeMillis() - stoppedAt;
    Lease lease = h.client.leases().inNamespace("rollback-guard").withName("rollback-guard").get();
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("b");

    // the window goes on where it was, and closes once
    RolloutVerdictStatus done = await().atMost(Duration.ofSeconds(30)).until(() -> h.target("checkout", "checkout"),
        d -> d != null && d.revision == 2 && d.phase == Phase.Stable);
    assertThat(done.rolloutStartedAt).isEqualTo(observing.rolloutStartedAt);
    await().atMost(Duration.ofSeconds(10)).until(() -> b.registry().scrape(), m -> m.contains(
        "rollbackguard_verdicts{action=\"None\",namespace=\"shop\",phase=\"Stable\",policy=\"checkout\"} 1"));
    assertThat(done.timeline).filteredOn(e -> e.event.equals("RolloutObserved") && e.message.startsWith("revision 2"))
        .hasSize(1);
    h.cluster.annotate(NS, "checkout", "rollbackguard.io/declare", "security-flaw");
    await().atMost(Duration.ofSeconds(20)).until(() -> h.target("checkout", "checkout"),
        d -> d != null && d.action == Action.RollbackImmediate);
    List<Event> events = h.client.v1().events().inNamespace(NS).list().getItems();
    for (String reason : List.of("RolloutObserved", "ObservationPassed", "RollbackRecommended")) {
      assertThat(events).as(reason + " on the Deployment, revision 2").filteredOn(e -> reason.equals(e.getReason())
          && "Deployment".equals(e.getInvolvedObject().getKind()) && e.getMessage().contains("revision 2"))
          .hasSizeLessThanOrEqualTo(1);
    }
    assertThat(events).filteredOn(e -> "ObservationPassed".equals(e.getReason())
        && "Deployment".equals(e.getInvolvedObject().getKind()) && e.getMessage().contains("revision 2")).hasSize(1);
    assertThat(h.k8s.requests()).filteredOn(r -> r.fromOperator() && r.isWrite() && !r.path().contains("/leases") && !r.path().contains("selfsubjectrulesreviews"))
        .extracting(LeaderElectionIT::writer).containsOnly("a", "b");
    assertThat(tookOver).as("takeover, ms").isLessThan(LEASE.plus(RETRY.multipliedBy(22).dividedBy(10))
        .plusSeconds(1).toMillis());
  }

  @Test
  void onlyTheLeaderNotifiesAndANewLeaderPostsTheActiveAlertAgain() throws Exception {
    // one stub Alertmanager; each replica posts under its own path, so the stub knows who posted
    java.util.List<String> posters = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpServer am = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    am.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (body.contains("\"action\":\"RollbackRapid\"")) {
        posters.add(exchange.getRequestURI().getPath().split("/")[1]);
      }
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    am.start();
    try {
      String url = "http://127.0.0.1:" + am.getAddress().getPort() + "/";
      java.util.function.Function<String, OperatorSettings> notifying = name -> replica(name).withAlertmanager(
          new io.rollbackguard.notify.Notifier.Settings(List.of(url + name), null, Duration.ofSeconds(30),
              Duration.ofSeconds(2)));
      a = RollbackGuardOperator.start(h.k8s.newOperatorClient("a"), notifying.apply("a"), Clock.systemUTC());
      await().atMost(Duration.ofSeconds(10)).until(a::leading);
      b = RollbackGuardOperator.start(h.k8s.newOperatorClient("b"), notifying.apply("b"), Clock.systemUTC());
      h.createPolicy("checkout", "checkout", OperatorHarness.FAST);
      h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 2, Map.of("app", "registry/checkout:v1"));
      await().atMost(Duration.ofSeconds(20)).until(() -> h.target("checkout", "checkout"),
          d -> d != null && d.phase == Phase.Stable);
      h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.CrashLooping);
      await().atMost(Duration.ofSeconds(20)).until(() -> posters.contains("a"));
      assertThat(posters).containsOnly("a");

      a.close();
      a = null;
      // the resend period (30 s) is far off: what b posts, it posts because it reconciled the verdict on taking over
      await().atMost(Duration.ofSeconds(15)).until(() -> posters.contains("b"));
      assertThat(posters.subList(posters.indexOf("b"), posters.size())).containsOnly("b");
    } finally {
      am.stop(0);
    }
  }
}
