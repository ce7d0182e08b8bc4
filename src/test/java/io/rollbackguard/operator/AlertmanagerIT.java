package io.rollbackguard.operator;

import static io.rollbackguard.operator.OperatorHarness.FAST;
import static io.rollbackguard.operator.OperatorHarness.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.cli.demo.SimulatedCluster.Pods;
import io.rollbackguard.notify.Notifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator posting to a real Alertmanager (Debian's package), which routes every alert on its own to a webhook
 * served by the test: what arrives there is what a pager or chat integration would get. .ci/run installs the package;
 * elsewhere the test is skipped, saying why, when the binary is absent.
 */
class AlertmanagerIT {
  static final Path ALERTMANAGER = Path.of("/usr/bin/prometheus-alertmanager");
  static final Duration RESEND = Duration.ofSeconds(2);
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  HttpServer webhook;
  /** Every alert of every notification the webhook received, in order. */
  final List<JsonNode> received = new CopyOnWriteArrayList<>();
  Process alertmanager;
  int alertmanagerPort;
  OperatorHarness h;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(Files.isExecutable(ALERTMANAGER), "SKIPPED: " + ALERTMANAGER
        + " is absent; install it with: apt-get install -y prometheus-alertmanager");
    webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    webhook.createContext("/hook", exchange -> {
      JSON.readTree(exchange.getRequestBody().readAllBytes()).path("alerts").forEach(received::add);
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    webhook.start();
    alertmanagerPort = freePort();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (h != null) {
      h.close();
    }
    stopAlertmanager();
    if (webhook != null) {
      webhook.stop(0);
    }
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private void startAlertmanager() throws Exception {
    Path config = dir.resolve("alertmanager.yml");
    // Each alert its own group, flushed within a second: a test sees every change as a notification.
    Files.writeString(config, "route:\n  receiver: hook\n  group_by: ['...']\n  group_wait: 0s\n"
        + "  group_interval: 1s\n  repeat_interval: 1m\nreceivers:\n  - name: hook\n    webhook_configs:\n"
        + "      - url: http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook\n        send_resolved: true\n");
    alertmanager = new ProcessBuilder(ALERTMANAGER.toString(), "--config.file=" + config,
        "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + alertmanagerPort,
        "--cluster.listen-address=", "--log.level=warn")
        .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
    HttpClient http = HttpClient.newHttpClient();
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> http.send(
        HttpRequest.newBuilder(URI.create(alertmanagerUrl() + "/-/ready")).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
  }

  private void stopAlertmanager() throws InterruptedException {
    if (alertmanager != null) {
      alertmanager.destroy();
      alertmanager.waitFor(10, TimeUnit.SECONDS);
      alertmanager = null;
    }
  }

  private String alertmanagerUrl() {
    return "http://127.0.0.1:" + alertmanagerPort;
  }

  private void startOperator() {
    h = new OperatorHarness().startOperator(new OperatorSettings(Set.of(), null, null, 0)
        .withAlertmanager(new Notifier.Settings(List.of(alertmanagerUrl()), null, RESEND, Duration.ofSeconds(2))));
  }

  private RolloutVerdictStatus awaitVerdict(Predicate<RolloutVerdictStatus> p) {
    return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> h.target("checkout", "checkout"), d -> d != null && p.test(d));
  }

  /** The first alert the webhook received that matches. */
  private JsonNode awaitReceived(Predicate<JsonNode> p) {
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
        .until(() -> received.stream().anyMatch(p));
    return received.stream().filter(p).findFirst().orElseThrow();
  }

  private static Predicate<JsonNode> alert(String status, Map<String, String> labels) {
    return a -> status.equals(a.path("status").asText()) && labels.entrySet().stream()
        .allMatch(e -> e.getValue().equals(a.path("labels").path(e.getKey()).asText(null)));
  }

  private static Predicate<JsonNode> without(String label) {
    return a -> !a.path("labels").has(label);
  }

  private void deployStableThenCrashLoop(String policyBody) {
    h.createPolicy("checkout", "checkout", FAST + policyBody);
    h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 2, Map.of("app", "registry/checkout:v1"));
    awaitVerdict(d -> d.phase == Phase.Stable && d.revision == 1);
    h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.CrashLooping);
  }

  @Test
  void aRollbackRecommendationArrivesWithItsEvidenceAndProcedureAndItsDismissalArrivesResolved() throws Exception {
    startAlertmanager();
    startOperator();
    deployStableThenCrashLoop("  notifications: {labels: {team: payments}}\n");
    RolloutVerdictStatus rapid = awaitVerdict(d -> d.action == Action.RollbackRapid);

    Map<String, String> labels = Map.of("alertname", "RollbackRecommended", "namespace", NS,
        "deployment", "checkout", "policy", "checkout", "revision", "2", "action", "RollbackRapid", "tier", "rapid",
        "severity", "high", "team", "payments");
    JsonNode firing = awaitReceived(alert("firing", labels).and(without("deadline")));
    JsonNode annotations = firing.path("annotations");
    assertThat(annotations.path("summary").asText()).isEqualTo(rapid.reason);
    assertThat(annotations.path("description").asText()).startsWith("rapid crashLooping (Fired since ")
        .contains("of the new revision crash-looping");
    assertThat(annotations.path("decide_by").asText()).isEqualTo(rapid.decideBy);
    assertThat(annotations.path("procedure").asText())
        .contains("\nkubectl rollout undo deployment/checkout -n shop --to-revision=1\n")
        .contains("\nkubectl rollout status deployment/checkout -n shop");
    assertThat(annotations.path("runbook").asText()).isEqualTo("rollback-guard runbook -n shop checkout");
    assertThat(Instant.parse(firing.path("startsAt").asText()))
        .isEqualTo(Instant.ofEpochMilli(rapid.evaluation.recommendation.raisedAt()));

    h.cluster.annotate(NS, "checkout", "rollbackguard.io/dismiss", "2");
    awaitVerdict(d -> d.action == Action.None);
    JsonNode resolved = awaitReceived(alert("resolved", labels));
    assertThat(resolved.path("startsAt").asText()).isEqualTo(firing.path("startsAt").asText());
    await().atMost(Duration.ofSeconds(10)).until(() -> h.operator.trackedState().get("alerts") == 0);
  }

  @Test
  void aPassedDeadlineArrivesAsDeadlinePassedWithTheEarlierAlertResolvedAndOneEvent() throws Exception {
    startAlertmanager();
    startOperator();
    deployStableThenCrashLoop("  tiers:\n    immediate: {decideWithin: 2s}\n    rapid: {decideWithin: 4s}\n");
    RolloutVerdictStatus rapid = awaitVerdict(d -> d.action == Action.RollbackRapid);
    Map<String, String> labels = Map.of("deployment", "checkout", "revision", "2", "action", "RollbackRapid");
    JsonNode before = awaitReceived(alert("firing", labels).and(without("deadline")));

    RolloutVerdictStatus late = awaitVerdict(d -> d.timeline.stream().anyMatch(e -> e.event.equals("DeadlinePassed")));
    assertThat(Instant.parse(late.timeline.stream().filter(e -> e.event.equals("DeadlinePassed")).findFirst()
        .orElseThrow().at)).isAfterOrEqualTo(Instant.parse(rapid.decideBy));
    JsonNode escalated = awaitReceived(alert("firing", Map.of("deployment", "checkout", "revision", "2",
        "deadline", "passed", "severity", "high")));
    assertThat(escalated.path("startsAt").asText()).isEqualTo(before.path("startsAt").asText());
    awaitReceived(alert("resolved", labels).and(without("deadline")));

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(h.client.v1().events().inNamespace(NS)
        .list().getItems()).filteredOn(e -> "Deployment".equals(e.getInvolvedObject().getKind())
            && "DeadlinePassed".equals(e.getReason())).hasSize(1));
    assertThat(h.operator.registry().scrape())
        .contains("rollbackguard_deadlines_passed_total{namespace=\"shop\",policy=\"checkout\"} 1.0");
  }

  @Test
  void aRecommendationRaisedWhileAlertmanagerHangsArrivesOnceItIsBackAndNothingWaitedForIt() throws Exception {
    // Something holds the port and never answers: a post hangs until its timeout, here longer than the test needs.
    try (ServerSocket hanging = new ServerSocket(alertmanagerPort, 50, InetAddress.getLoopbackAddress())) {
      h = new OperatorHarness().startOperator(new OperatorSettings(Set.of(), null, null, 0).withAlertmanager(
          new Notifier.Settings(List.of(alertmanagerUrl()), null, RESEND, Duration.ofSeconds(30))));
      deployStableThenCrashLoop("");
      awaitVerdict(d -> d.action == Action.RollbackRapid);
      // the notifier's first post is hanging now; reconciles go on regardless: a declaration escalates at once
      h.cluster.annotate(NS, "checkout", "rollbackguard.io/declare", "security-flaw");
      awaitVerdict(d -> d.action == Action.RollbackImmediate);
      assertThat(h.operator.registry().scrape()).as("the post still hangs")
          .contains("rollbackguard_notifications_total{result=\"failed\"} 0.0")
          .contains("rollbackguard_notifications_total{result=\"sent\"} 0.0");
    }
    // the port is free again: the hanging post fails, is counted, and is retried with backoff until Alertmanager is up
    await().atMost(Duration.ofSeconds(10)).until(() -> java.util.regex.Pattern.compile(
        "rollbackguard_notifications_total\\{result=\"failed\"} [1-9]").matcher(h.operator.registry().scrape()).find());
    startAlertmanager();
    JsonNode arrived = awaitReceived(alert("firing", Map.of("deployment", "checkout", "revision", "2",
        "action", "RollbackImmediate", "severity", "critical", "tier", "immediate")));
    assertThat(arrived.path("annotations").path("procedure").asText()).contains("--to-revision=1");
    assertThat(h.operator.registry().scrape()).containsPattern("rollbackguard_notifications_total\\{result=\"sent\"} "
        + "[1-9]");
  }
}
