package io.rollbackguard.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifierTest {
  static final Duration RESEND = Duration.ofSeconds(1);
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final TestingAlertmanager am = new TestingAlertmanager();
  Notifier notifier;

  @TempDir Path dir;

  @AfterEach
  void stop() {
    if (notifier != null) {
      notifier.close();
    }
    am.close();
  }

  Notifier start(List<String> urls, Path token) {
    notifier = new Notifier(new Notifier.Settings(urls, token, RESEND, Duration.ofSeconds(2)), Clock.systemUTC(),
        registry, true);
    return notifier;
  }

  static Alert alert(String action, boolean deadlinePassed, long startsAt) {
    Map<String, String> labels = new TreeMap<>(Map.of("alertname", "RollbackRecommended", "deployment", "checkout",
        "action", action));
    if (deadlinePassed) {
      labels.put("deadline", "passed");
    }
    return new Alert(new TreeMap<>(labels), Map.of("summary", "crash looping"), startsAt);
  }

  double count(String result) {
    return registry.get("rollbackguard_notifications").tag("result", result).counter().count();
  }

  @Test
  void anActiveAlertIsPostedAtOnceAndAgainEachResendPeriodEndingFourPeriodsAhead() {
    start(List.of(am.url()), null);
    long startsAt = System.currentTimeMillis() - 60_000;
    notifier.offer("shop/checkout", Optional.of(alert("RollbackRapid", false, startsAt)));
    await().atMost(Duration.ofSeconds(5)).until(() -> am.alerts.size() >= 3);
    JsonNode first = am.alerts.get(0);
    assertThat(first.path("labels").path("action").asText()).isEqualTo("RollbackRapid");
    assertThat(Instant.parse(first.path("startsAt").asText()).toEpochMilli()).isEqualTo(startsAt);
    JsonNode latest = am.alerts.get(am.alerts.size() - 1);
    long endsIn = Instant.parse(latest.path("endsAt").asText()).toEpochMilli() - System.currentTimeMillis();
    assertThat(endsIn).isBetween(RESEND.toMillis() * 2, RESEND.toMillis() * 4);
    assertThat(count("sent")).isGreaterThanOrEqualTo(3);
  }

  @Test
  void aLabelChangeResolvesTheOldAlertAtOnceAndTheNewOneKeepsItsStart() {
    start(List.of(am.url()), null);
    long startsAt = System.currentTimeMillis() - 60_000;
    notifier.offer("shop/checkout", Optional.of(alert("RollbackRapid", false, startsAt)));
    await().atMost(Duration.ofSeconds(5)).until(() -> !am.alerts.isEmpty());
    long changedAt = System.currentTimeMillis();
    notifier.offer("shop/checkout", Optional.of(alert("RollbackRapid", true, startsAt)));
    await().atMost(Duration.ofSeconds(5)).until(() -> !am.with("deadline", "passed").isEmpty());
    JsonNode resolved = am.alerts.stream().filter(a -> !a.path("labels").has("deadline")
        && Instant.parse(a.path("endsAt").asText()).toEpochMilli() <= System.currentTimeMillis()).findFirst()
        .orElseThrow();
    assertThat(Instant.parse(resolved.path("endsAt").asText()).toEpochMilli()).isBetween(changedAt - 1_000,
        changedAt + 2_000);
    JsonNode escalated = am.with("deadline", "passed").get(0);
    assertThat(Instant.parse(escalated.path("startsAt").asText()).toEpochMilli()).isEqualTo(startsAt);
    assertThat(am.alerts.indexOf(resolved)).isLessThan(am.alerts.indexOf(escalated));
  }

  @Test
  void aResolvedAlertIsForgottenOnceAcceptedAndNothingMoreIsPostedForIt() {
    start(List.of(am.url()), null);
    notifier.offer("shop/checkout", Optional.of(alert("Evaluate", false, System.currentTimeMillis())));
    await().atMost(Duration.ofSeconds(5)).until(() -> !am.alerts.isEmpty());
    notifier.offer("shop/checkout", Optional.empty());
    await().atMost(Duration.ofSeconds(5)).until(() -> notifier.tracked() == 0);
    JsonNode last = am.alerts.get(am.alerts.size() - 1);
    assertThat(Instant.parse(last.path("endsAt").asText())).isBeforeOrEqualTo(Instant.now());
    int posted = am.alerts.size();
    await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(4)).until(() -> am.alerts.size() == posted);
  }

  @Test
  void anAlertmanagerThatFailsIsRetriedWithBackoffAndCountedAndGetsTheAlertOnceBack() {
    am.down = true;
    start(List.of(am.url()), null);
    notifier.offer("shop/checkout", Optional.of(alert("RollbackImmediate", false, System.currentTimeMillis())));
    await().atMost(Duration.ofSeconds(5)).until(() -> count("failed") >= 2);
    int postsWhileDown = am.posts;
    am.down = false;
    await().atMost(Duration.ofSeconds(5)).until(() -> !am.with("action", "RollbackImmediate").isEmpty());
    // counted once the answer is read, which may be just after the stub recorded the post
    await().atMost(Duration.ofSeconds(5)).until(() -> count("sent") >= 1);
    // backoff: 1 s, then the resend period (1 s here) at most: a handful of posts in those seconds, not one per tick
    assertThat(postsWhileDown).isLessThanOrEqualTo(4);
  }

  @Test
  void anHaPairGetsEveryAlertEachAloneAndTheTokenFromItsFile() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "s3cret\n");
    try (TestingAlertmanager second = new TestingAlertmanager()) {
      second.down = true;
      start(List.of(am.url(), second.url()), token);
      notifier.offer("shop/checkout", Optional.of(alert("RollbackRapid", false, System.currentTimeMillis())));
      await().atMost(Duration.ofSeconds(5)).until(() -> !am.alerts.isEmpty());
      assertThat(am.authorizations).first().isEqualTo("Bearer s3cret");
      second.down = false;
      await().atMost(Duration.ofSeconds(5)).until(() -> !second.alerts.isEmpty());
    }
  }

  @Test
  void aReplicaThatStopsLeadingPostsNothingMore() {
    start(List.of(am.url()), null);
    notifier.offer("shop/checkout", Optional.of(alert("RollbackRapid", false, System.currentTimeMillis())));
    await().atMost(Duration.ofSeconds(5)).until(() -> !am.alerts.isEmpty());
    notifier.stopActing();
    await().atMost(Duration.ofSeconds(2)).until(() -> notifier.tracked() == 0);
    int posted = am.alerts.size();
    notifier.offer("shop/cart", Optional.of(alert("RollbackRapid", false, System.currentTimeMillis())));
    await().during(Duration.ofMillis(2_000)).atMost(Duration.ofSeconds(3)).until(() -> am.alerts.size() == posted);
  }
}
