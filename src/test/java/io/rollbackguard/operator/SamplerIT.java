package io.rollbackguard.operator;

import static io.rollbackguard.operator.OperatorHarness.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.EvaluationState;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.cli.demo.ScriptedPrometheus;
import io.rollbackguard.cli.demo.SimulatedCluster.Pods;
import io.rollbackguard.verdict.Signals;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sampler: the grid, one query per used signal per instant whatever the fleet, missed instants read late, watched
 * revisions on the watch's grid.
 */
class SamplerIT {
  static final int DEPLOYMENTS = 20;
  final ScriptedPrometheus prometheus = ScriptedPrometheus.start();
  OperatorHarness h;

  @AfterEach
  void stop() {
    if (h != null) {
      h.close();
    }
    prometheus.close();
  }

  private String policy(String window) {
    return "  prometheus: {url: '" + prometheus.url() + "', timeout: 5s}\n"
        + "  observation: {window: " + window + ", interval: 1s}\n";
  }

  private void healthy(String name) {
    prometheus.set(name, Signals.ERROR_RATE, 0.0);
    prometheus.set(name, Signals.LATENCY_P95, 0.12);
    prometheus.set(name, Signals.REQUEST_RATE, 25.0);
  }

  /** Six healthy Deployments (scripted by {@code script} too) guarded by one policy, each Stable at revision 1. */
  private List<String> sixStable(String policyBody, java.util.function.Consumer<String> script) {
    h = new OperatorHarness().startOperator();
    List<String> names = IntStream.range(0, 6).mapToObj(i -> "svc-" + i).toList();
    for (String n : names) {
      healthy(n);
      script.accept(n);
      h.cluster.deploy(NS, n, Map.of("tier", "web"), 1, Map.of("app", "registry/" + n + ":v1"));
    }
    h.createPolicy("web", Map.of("tier", "web"), policyBody);
    await().atMost(Duration.ofSeconds(60)).until(() -> verdicts().stream()
        .filter(v -> v.getStatus() != null && v.getStatus().phase == Phase.Stable).count() == names.size());
    return names;
  }

  private List<RolloutVerdict> verdicts() {
    return h.client.resources(RolloutVerdict.class).inNamespace(NS).list().getItems();
  }

  @Test
  void twentyDeploymentsInTheirWindowsCostOneQueryPerUsedSignalPerGridInstant() {
    h = new OperatorHarness().startOperator();
    List<String> names = IntStream.range(0, DEPLOYMENTS).mapToObj(i -> "svc-" + i).toList();
    for (String n : names) {
      healthy(n);
      h.cluster.deploy(NS, n, Map.of("tier", "web"), 1, Map.of("app", "registry/" + n + ":v1"));
    }
    h.createPolicy("web", Map.of("tier", "web"), policy("5s"));
    await().atMost(Duration.ofSeconds(60)).until(() -> verdicts().stream()
        .filter(v -> v.getStatus() != null && v.getStatus().phase == Phase.Stable).count() == DEPLOYMENTS);
    int before = prometheus.times().size();
    for (String n : names) {
      h.cluster.rollout(NS, n, Map.of("app", "registry/" + n + ":v2"), Pods.Ready);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> verdicts().stream().filter(v -> v.getStatus() != null
        && v.getStatus().revision == 2 && v.getStatus().phase == Phase.Stable).count() == DEPLOYMENTS);

    List<String> wave = prometheus.times().subList(before, prometheus.times().size());
    Map<String, Long> perInstant = new TreeMap<>(wave.stream()
        .collect(Collectors.groupingBy(t -> t, Collectors.counting())));
    // the default policy uses errorRate and latencyP95: at most two queries per grid instant, for all twenty
    assertThat(perInstant).isNotEmpty().allSatisfy((t, n) -> assertThat(n).as("queries at %s", t)
        .isLessThanOrEqualTo(2));
    // every query is evaluated at a grid instant: a whole second, with the 1 s interval
    assertThat(perInstant.keySet()).allSatisfy(t -> assertThat(new BigDecimal(t).remainder(BigDecimal.ONE))
        .isZero());
    // and every verdict counted its samples, each with both signals conclusive
    for (RolloutVerdict v : verdicts()) {
      RolloutVerdictStatus s = v.getStatus();
      assertThat(s.samples.missed).as(v.getMetadata().getName()).isZero();
      assertThat(s.samples.conclusive).containsEntry(Signals.ERROR_RATE, s.samples.taken);
    }
  }

  /**
   * DESIGN §1b, §5: each burn window is its own used signal, capped at each rollout's age. Deployments rolled out at
   * different moments need different ranges at one instant; they still cost one request per used signal, the ranges
   * joined by "or".
   */
  @Test
  void burnWindowsCappedAtDifferentAgesStillCostOneQueryPerUsedSignalPerGridInstant() {
    List<String> names = sixStable(policy("8s") + "  slo: {objective: 0.999}\n  signals: {rateWindow: 1s}\n",
        n -> { });
    int before = prometheus.queries().size();
    for (String n : names) {
      h.cluster.rollout(NS, n, Map.of("app", "registry/" + n + ":v2"), Pods.Ready);
      long at = System.currentTimeMillis();
      await().pollDelay(Duration.ofMillis(50)).until(() -> System.currentTimeMillis() - at >= 1_100);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> verdicts().stream().filter(v -> v.getStatus() != null
        && v.getStatus().revision == 2 && v.getStatus().phase == Phase.Stable).count() == names.size());

    List<String> times = prometheus.times().subList(before, prometheus.times().size());
    List<String> queries = prometheus.queries().subList(before, prometheus.queries().size());
    Map<String, Long> perInstant = new TreeMap<>(times.stream()
        .collect(Collectors.groupingBy(t -> t, Collectors.counting())));
    // errorRate, latencyP95 and the four windows errorRate@1h, @5m, @6h, @30m: six per instant, for all six
    assertThat(perInstant).isNotEmpty().allSatisfy((t, n) -> assertThat(n).as("queries at %s", t)
        .isLessThanOrEqualTo(6));
    // rollouts of different ages shared an instant: their capped ranges went in one request
    assertThat(queries).anySatisfy(q -> assertThat(q).contains(") or ("));
    for (RolloutVerdict v : verdicts()) {
      RolloutVerdictStatus s = v.getStatus();
      assertThat(s.samples.conclusive).as(v.getMetadata().getName()).containsEntry("errorRate@1h", s.samples.taken)
          .containsEntry("errorRate@5m", s.samples.taken);
    }
  }

  /**
   * DESIGN §1b: a regression's baseline is one range query per rollout at the policy's interval, grouped like the
   * instant queries, never one per grid instant; the instant queries stay one per used signal per instant.
   */
  @Test
  void baselinesCostOneRangeQueryPerRolloutAtMostAndTheRegressionFiresOnEach() {
    // revision 1 reads as its own baseline: no regression
    List<String> names = sixStable(policy("12s") + "  signals: {rateWindow: 1s}\n"
        + "  tiers:\n    rapid:\n      regression: {signal: latencyP95, baseline: 20s, minSamples: 5}\n",
        n -> prometheus.setBefore(n, Signals.LATENCY_P95, 0.12));
    int instantsBefore = prometheus.times().size();
    int rangesBefore = prometheus.rangeQueries().size();
    for (String n : names) {
      prometheus.set(n, Signals.LATENCY_P95, 0.36); // three times the baseline's 120ms
      h.cluster.rollout(NS, n, Map.of("app", "registry/" + n + ":v2"), Pods.Ready);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> verdicts().stream().filter(v -> v.getStatus() != null
        && v.getStatus().revision == 2 && v.getStatus().phase == Phase.Breached).count() == names.size());

    long lastStart = verdicts().stream().mapToLong(v -> java.time.Instant.parse(v.getStatus().rolloutStartedAt)
        .toEpochMilli()).max().orElseThrow();
    List<ScriptedPrometheus.RangeQuery> ranges = prometheus.rangeQueries().subList(rangesBefore,
        prometheus.rangeQueries().size());
    assertThat(ranges).isNotEmpty().hasSizeLessThanOrEqualTo(names.size()).allSatisfy(r -> {
      assertThat(r.step()).isEqualTo(1.0);
      assertThat(r.end() - r.start()).as("20 points of the 20s baseline, at least").isGreaterThanOrEqualTo(19.0);
      assertThat(r.end() * 1000).as("before the rollout").isLessThanOrEqualTo(lastStart);
      assertThat(r.query()).contains("histogram_quantile").contains("deployment=~");
    });
    Map<String, Long> perInstant = prometheus.times().subList(instantsBefore, prometheus.times().size()).stream()
        .collect(Collectors.groupingBy(t -> t, Collectors.counting()));
    assertThat(perInstant).allSatisfy((t, n) -> assertThat(n).as("queries at %s", t).isLessThanOrEqualTo(2));
    for (RolloutVerdict v : verdicts()) {
      assertThat(v.getStatus().action).as(v.getMetadata().getName())
          .isEqualTo(Action.RollbackRapid);
      assertThat(v.getStatus().findings).anySatisfy(f -> {
        assertThat(f.signal).isEqualTo(Signals.REGRESSION);
        assertThat(f.message).startsWith("p95 latency ×3 against the 20s before the rollout");
      });
    }
  }

  /** The baseline lives in memory: a restarted operator fetches it again and the window's regression still fires. */
  @Test
  void aRestartedOperatorFetchesTheBaselineAgainAndTheRegressionResumes() {
    OperatorSettings settings = new OperatorSettings(Set.of(), null, null, 0).withCounterWriteMillis(0);
    h = new OperatorHarness().startOperator(settings);
    healthy("checkout");
    prometheus.setBefore("checkout", Signals.LATENCY_P95, 0.12);
    h.createPolicy("checkout", "checkout", policy("20s") + "  signals: {rateWindow: 1s}\n"
        + "  tiers:\n    rapid:\n      regression: {signal: latencyP95, baseline: 10s, minSamples: 8}\n");
    h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 1, Map.of("app", "registry/checkout:v1"));
    // no stable revision is needed: revision 2 follows as soon as revision 1 is guarded
    await().atMost(Duration.ofSeconds(60)).until(() -> h.target("checkout", "checkout"), d -> d != null);
    prometheus.set("checkout", Signals.LATENCY_P95, 0.36);
    h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.Ready);
    await().atMost(Duration.ofSeconds(20)).until(() -> h.target("checkout", "checkout"),
        d -> d != null && d.revision == 2 && d.evaluation.countedSamples() >= 2);
    h.stopOperator();
    int before = prometheus.rangeQueries().size();
    h.startOperator(settings);
    RolloutVerdictStatus d = await().atMost(Duration.ofSeconds(30)).until(() -> h.target("checkout", "checkout"),
        t -> t != null && t.revision == 2 && t.action == Action.RollbackRapid);
    assertThat(prometheus.rangeQueries().size()).as("the baseline fetched again").isGreaterThan(before);
    assertThat(d.findings).anySatisfy(f -> assertThat(f.message).startsWith("p95 latency ×3 against the 10s"));
  }

  @Test
  void instantsMissedWhileTheOperatorWasDownAreReadLateWithTheirOwnTime() {
    OperatorSettings settings = new OperatorSettings(Set.of(), null, null, 0).withCounterWriteMillis(0);
    h = new OperatorHarness().startOperator(settings);
    healthy("checkout");
    h.createPolicy("checkout", "checkout", policy("12s"));
    h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 1, Map.of("app", "registry/checkout:v1"));
    await().atMost(Duration.ofSeconds(20)).until(() -> h.target("checkout", "checkout"),
        d -> d != null && d.phase == Phase.Stable);
    h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.Ready);
    await().atMost(Duration.ofSeconds(20)).until(() -> h.target("checkout", "checkout"),
        d -> d != null && d.revision == 2 && d.samples != null && d.samples.taken >= 2);

    h.stopOperator();
    long downAt = System.currentTimeMillis();
    int queriesBefore = prometheus.times().size();
    await().pollDelay(Duration.ofMillis(100)).atMost(Duration.ofSeconds(10))
        .until(() -> System.currentTimeMillis() - downAt >= 3_500);
    h.startOperator(settings);

    RolloutVerdictStatus done = await().atMost(Duration.ofSeconds(30)).until(() -> h.target("checkout", "checkout"),
        d -> d != null && d.revision == 2 && d.phase != Phase.Observing);
    assertThat(done.phase).isEqualTo(Phase.Stable);
    // the Kubernetes readings of the instants it was down for are missed ...
    assertThat(done.samples.missed).isPositive();
    // ... but their metrics were read late, at their own instants: every counted sample has a conclusive error rate
    assertThat(done.samples.conclusive).containsEntry(Signals.ERROR_RATE, done.samples.taken + done.samples.missed);
    long lateQueries = prometheus.times().subList(queriesBefore, prometheus.times().size()).stream()
        .filter(t -> new BigDecimal(t).movePointRight(3).longValue() > downAt
            && new BigDecimal(t).movePointRight(3).longValue() < downAt + 3_000).count();
    assertThat(lateQueries).as("queries for instants inside the downtime").isGreaterThanOrEqualTo(2);
  }

  /** A window of 3s at 1s, then a watch of 6s every 2s (DESIGN.md §1b): the watch's instants are the even seconds. */
  private String watched() {
    return "  prometheus: {url: '" + prometheus.url() + "', timeout: 5s}\n"
        + "  observation: {window: 3s, interval: 1s, watch: {for: 6s, interval: 2s}}\n";
  }

  private long stableAt(long revision) {
    return verdicts().stream().filter(v -> v.getStatus() != null && v.getStatus().phase == Phase.Stable
        && v.getStatus().revision == revision && v.getStatus().stableRevision != null
        && v.getStatus().stableRevision == revision).count();
  }

  @Test
  void watchedDeploymentsAreSampledOnTheWatchGridWithOneQueryPerUsedSignalPerInstant() {
    h = new OperatorHarness().startOperator();
    List<String> names = IntStream.range(0, 8).mapToObj(i -> "svc-" + i).toList();
    for (String n : names) {
      healthy(n);
      h.cluster.deploy(NS, n, Map.of("tier", "web"), 1, Map.of("app", "registry/" + n + ":v1"));
    }
    h.createPolicy("web", Map.of("tier", "web"), watched());
    await().atMost(Duration.ofSeconds(60)).until(() -> stableAt(1) == names.size());
    int before = prometheus.times().size();
    for (String n : names) {
      h.cluster.rollout(NS, n, Map.of("app", "registry/" + n + ":v2"), Pods.Ready);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> verdicts().stream()
        .anyMatch(v -> v.getStatus() != null && v.getStatus().phase == Phase.Watching));
    await().atMost(Duration.ofSeconds(60)).until(() -> stableAt(2) == names.size());

    List<String> wave = prometheus.times().subList(before, prometheus.times().size());
    Map<String, Long> perInstant = new TreeMap<>(wave.stream()
        .collect(Collectors.groupingBy(t -> t, Collectors.counting())));
    // errorRate and latencyP95: at most two queries per instant, windows and watches alike, for all eight
    assertThat(perInstant).isNotEmpty().allSatisfy((t, n) -> assertThat(n).as("queries at %s", t)
        .isLessThanOrEqualTo(2));
    for (RolloutVerdict v : verdicts()) {
      EvaluationState e = v.getStatus().evaluation;
      String name = v.getMetadata().getName();
      assertThat(e.windowClosedAt).as(name).isNotNull();
      // the watch's last sample is an instant of its own grid, and each of its samples read both signals
      assertThat(e.lastSampleAt % 2_000).as(name).isZero();
      assertThat(e.lastSampleAt).as(name).isGreaterThanOrEqualTo(e.windowClosedAt + 6_000);
      assertThat(e.watchSamplesTaken).as(name).isGreaterThanOrEqualTo(3);
      assertThat(e.watchConclusiveSamples).as(name).containsEntry(Signals.ERROR_RATE, e.watchSamplesTaken)
          .containsEntry(Signals.LATENCY_P95, e.watchSamplesTaken);
      assertThat(v.getStatus().timeline).as(name).anySatisfy(t -> assertThat(t.event).isEqualTo("WatchStarted"));
    }
    // a grouped query names the Deployments it is for: after a window's close, each is queried at even seconds only
    Map<String, Long> closedAt = verdicts().stream().collect(Collectors.toMap(v -> v.getMetadata().getName(),
        v -> v.getStatus().evaluation.windowClosedAt));
    List<String> queries = List.copyOf(prometheus.queries()).subList(before, before + wave.size());
    int watchQueries = 0;
    for (int i = 0; i < wave.size(); i++) {
      long at = new BigDecimal(wave.get(i)).movePointRight(3).longValueExact();
      Matcher named = Pattern.compile("svc-[0-9]+").matcher(queries.get(i));
      while (named.find()) {
        if (at > closedAt.get(named.group())) {
          watchQueries++;
          assertThat(at % 2_000).as("%s queried at %s, after its window closed at %s", named.group(), at,
              closedAt.get(named.group())).isZero();
        }
      }
    }
    assertThat(watchQueries).isPositive();
  }

  @Test
  void aBreachAfterTheWindowRecommendsRollingBackToTheRevisionStableBeforeTheWatchedOne() {
    h = new OperatorHarness().startOperator();
    healthy("checkout");
    h.cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 1, Map.of("app", "registry/checkout:v1"));
    h.createPolicy("checkout", "checkout", watched().replace("for: 6s", "for: 60s")
        + "  tiers: {immediate: {errorRate: {above: 0.05, for: 2s}}}\n");
    await().atMost(Duration.ofSeconds(30)).until(() -> h.target("checkout", "checkout"),
        d -> d != null && d.phase == Phase.Watching);
    // revision 1 is watched for a minute: this test adopts nothing, so it waits for revision 1 to become stable by
    // a second rollout, which ends the watch and promotes it
    h.cluster.rollout(NS, "checkout", Map.of("app", "registry/checkout:v2"), Pods.Ready);
    RolloutVerdictStatus watched = await().atMost(Duration.ofSeconds(30))
        .until(() -> h.target("checkout", "checkout"), d -> d != null && d.revision == 2 && d.phase == Phase.Watching);
    assertThat(watched.stableRevision).isEqualTo(1L);
    assertThat(watched.timeline).anySatisfy(t -> assertThat(t.event).isEqualTo("WatchEnded"));

    prometheus.set("checkout", Signals.ERROR_RATE, 0.5);
    RolloutVerdictStatus breached = await().atMost(Duration.ofSeconds(30))
        .until(() -> h.target("checkout", "checkout"), d -> d != null && d.action == Action.RollbackImmediate);
    assertThat(breached.phase).isEqualTo(Phase.Breached);
    assertThat(breached.revision).isEqualTo(2L);
    assertThat(breached.procedure.mentions("--to-revision=1")).isTrue();
  }
}
