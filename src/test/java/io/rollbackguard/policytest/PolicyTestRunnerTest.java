package io.rollbackguard.policytest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rollbackguard.TestingPolicies;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.policytest.PolicyTestFile.InvalidTestFileException;
import io.rollbackguard.policytest.PolicyTestRunner.Outcome;
import io.rollbackguard.policytest.PolicyTestRunner.Simulation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyTestRunnerTest {
  @TempDir Path dir;

  /** Window 2m at 30s: samples 0s..120s, the one at 120s closes the window. */
  private static final String POLICY = "apiVersion: rollbackguard.io/v1alpha1\nkind: RollbackPolicy\n"
      + "metadata: {name: checkout, namespace: shop}\nspec:\n  selector: {matchLabels: {app: checkout}}\n"
      + "  observation: {window: 2m, interval: 30s}\n";

  private final PolicyTestRunner runner = new PolicyTestRunner();

  private PolicyTestFile file(String series, String expect) throws IOException, InvalidTestFileException {
    return file(POLICY, series, expect);
  }

  private PolicyTestFile file(String policy, String series, String expect)
      throws IOException, InvalidTestFileException {
    Files.writeString(dir.resolve("checkout.yaml"), policy);
    Path test = dir.resolve("checkout.test.yaml");
    Files.writeString(test, "policy: checkout.yaml\ntests:\n  - name: t\n"
        + "    deployment: {name: checkout, revision: 7, stableRevision: 6, replicas: 3,"
        + " images: {app: 'registry/checkout:v2.1.0'}, stableImages: {app: 'registry/checkout:v2.0.0'}}\n"
        + "    series: " + series + "\n    expect: " + expect + "\n");
    return PolicyTestFile.load(test);
  }

  private Outcome run(String series, String expect) throws IOException, InvalidTestFileException {
    PolicyTestFile f = file(series, expect);
    return runner.run(f, f.tests().get(0));
  }

  @Test
  void anEmptyMetricSeriesIsNoDataSoTheWindowClosesInconclusive() throws Exception {
    Outcome o = run("{errorRate: [], latencyP95: '0.1x4'}", "{action: Evaluate, tier: none, phase: Inconclusive}");
    assertThat(o.failures()).isEmpty();
    assertThat(o.details()).anyMatch(l -> l.contains("errorRate Inconclusive: error rate inconclusive: no data"));
  }

  @Test
  void everyNoDataSpellingIsJudgedAsNoData() throws Exception {
    for (String spelling : new String[] {"nan", "NaN", ".nan", "_", "stale", "'nan'", "null"}) {
      Outcome o = run("{errorRate: [0, 0, 0, 0, " + spelling + "], latencyP95: '0.1x4'}",
          "{action: Evaluate, phase: Inconclusive}");
      assertThat(o.failures()).as(spelling).isEmpty(); // no data at the window's last sample
    }
  }

  @Test
  void anExpandedSeriesIsJudgedLikeTheSameValuesWrittenOut() throws Exception {
    Outcome written = run("{errorRate: [0, 0.06, 0.06, 0.06, 0.06], latencyP95: [0.1, 0.1, 0.1, 0.1, 0.1]}",
        "{action: RollbackImmediate, firstActionAt: 90s, decideBy: 6m30s}");
    Outcome expanded = run("{errorRate: '0 0.06x3', latencyP95: '0.1+0x4'}",
        "{action: RollbackImmediate, firstActionAt: 90s, decideBy: 6m30s}");
    assertThat(written.failures()).isEmpty();
    assertThat(expanded.failures()).isEmpty();
  }

  @Test
  void aFailureShowsTheVerdictTheFindingsAndTheProcedureCommands() throws Exception {
    Outcome o = run("{errorRate: '0.06x2', latencyP95: [0.2]}", "{action: RollbackRapid, decideBy: 30m,"
        + " procedureContains: ['helm rollback']}");
    assertThat(o.failures()).containsExactly("expected action RollbackRapid, got RollbackImmediate",
        "expected decideBy 30m, got 6m", "expected the procedure to contain 'helm rollback'");
    assertThat(o.text()).isEqualTo("FAIL t: expected action RollbackRapid, got RollbackImmediate; expected"
        + " decideBy 30m, got 6m; expected the procedure to contain 'helm rollback'\n"
        + "    got: RollbackImmediate (immediate tier), phase Breached, decideBy 6m, since 1m:"
        + " error rate 6% > 5% for 1m\n"
        + "    findings:\n"
        + "      - immediate errorRate Fired at 1m (breached since 0s): error rate 6% > 5% for 1m"
        + " (value 0.06, threshold 0.05)\n"
        + "      - rapid errorRate Breaching since 0s: error rate 6% > 1% for 2m (value 0.06, threshold 0.01)\n"
        + "      - evaluate errorRate Breaching since 0s: error rate 6% > 0.1% for 5m"
        + " (value 0.06, threshold 0.001)\n"
        + "      - latencyP95 Inconclusive: p95 latency inconclusive: no data\n"
        + "    procedure: Roll back checkout to revision 6\n"
        + "      1. Check the history: kubectl rollout history deployment/checkout -n shop\n"
        + "      2. Roll back to revision 6: kubectl rollout undo deployment/checkout -n shop --to-revision=6\n"
        + "      3. Watch it converge: kubectl rollout status deployment/checkout -n shop");
  }

  @Test
  void aPassShowsOnlyItsName() throws Exception {
    assertThat(run("{errorRate: '0.06x2'}", "{action: RollbackImmediate}").text()).isEqualTo("PASS t");
  }

  @Test
  void aRolloutStartedLaterOnTheGridIsJudgedTheSameAndItsTimesAreAfterItsStart() throws Exception {
    PolicyTestFile f = file("{errorRate: '0.06x2'}", "{action: RollbackImmediate, firstActionAt: 60s, decideBy: 6m}");
    long start = Instant.parse("2026-11-27T14:30:00Z").toEpochMilli();
    Simulation s = runner.simulate(f, f.tests().get(0), start, true);
    assertThat(PolicyTestRunner.outcome(s).failures()).isEmpty();
    RolloutVerdictStatus status = s.status();
    assertThat(status.action).isEqualTo(Action.RollbackImmediate);
    assertThat(status.phase).isEqualTo(Phase.Breached);
    assertThat(status.decideBy).isEqualTo("2026-11-27T14:36:00Z");
    assertThat(status.rolloutStartedAt).isEqualTo("2026-11-27T14:30:00Z");
    assertThat(status.timeline).extracting(e -> e.event).containsExactly("RolloutObserved", "RollbackRecommended");
    assertThat(status.timeline.get(0).message).isEqualTo("revision 7 (registry/checkout:v2.1.0)");
    assertThat(status.procedure.mentions("--to-revision=6")).isTrue();
  }

  @Test
  void aRolloutStartOffTheGridIsRefused() throws Exception {
    PolicyTestFile f = file("{errorRate: '0.06x2'}", "{action: RollbackImmediate}");
    assertThatThrownBy(() -> runner.simulate(f, f.tests().get(0), 1_000, true))
        .hasMessageContaining("the rollout must start on its sampling grid, a multiple of 30s since the epoch");
  }

  @Test
  void aPassedWindowMakesTheRevisionStableInTheStatusAsTheOperatorRecordsIt() throws Exception {
    PolicyTestFile f = file("{errorRate: '0x4', latencyP95: '0.1x4'}", "{action: None, phase: Stable}");
    Simulation s = runner.simulate(f, f.tests().get(0), 0, true);
    assertThat(PolicyTestRunner.outcome(s).passed()).isTrue();
    assertThat(s.status().stableRevision).isEqualTo(7);
    assertThat(s.status().timeline).extracting(e -> e.event).containsExactly("RolloutObserved", "ObservationPassed");
  }

  /**
   * With a watch (DESIGN.md §1b): window 2m at 30s, samples 0s..120s (indices 0-4); then the watch of 10m every 2m,
   * samples at 240s, 360s, 480s, 600s and 720s (indices 5-9), the multiples of 2m after the close.
   */
  @Nested
  class Watched {
    private static final String WATCH = "{window: 2m, interval: 30s, watch: {for: 10m, interval: 2m}}";
    private static final String WATCHED_POLICY = POLICY.replace("{window: 2m, interval: 30s}", WATCH);

    @Test
    void samplesAfterTheWindowsLastAreTheMultiplesOfTheWatchIntervalAfterTheClose() {
      assertThat(PolicyTestRunner.sampleTimes(TestingPolicies.policy("  observation: " + WATCH + "\n"), 10))
          .containsExactly(0L, 30_000L, 60_000L, 90_000L, 120_000L, 240_000L, 360_000L, 480_000L, 600_000L, 720_000L);
      // a window of 90s closes off the 2m grid: the watch's first sample is the next multiple of 2m
      assertThat(PolicyTestRunner.sampleTimes(TestingPolicies.policy(
          "  observation: {window: 90s, interval: 30s, watch: {for: 10m, interval: 2m}}\n"), 6))
          .containsExactly(0L, 30_000L, 60_000L, 90_000L, 120_000L, 240_000L);
      // without a watch, every sample is a multiple of the interval, as before
      assertThat(PolicyTestRunner.sampleTimes(TestingPolicies.policy("  observation: {window: 2m, interval: 30s}\n"),
          7)).containsExactly(0L, 30_000L, 60_000L, 90_000L, 120_000L, 150_000L, 180_000L);
    }

    /** What the test's series make of the watch (promtool's notation: {@code 0x6} is seven zeros). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        healthy into the watch                   | '0x6'        | '0.1x6'  | {action: None, phase: Watching}
        healthy through the whole watch          | '0x9'        | '0.1x9'  | {action: None, phase: Stable}
        late immediate breach at 360s and 480s   | '0x5 0.06x2' | '0.1x8'  | {action: RollbackImmediate, phase: Breached, firstActionAt: 8m, decideBy: 13m, procedureContains: ['--to-revision=6']}
        late rapid breach, chain from the window | '0x3 0.02x2' | '0.1x6'  | {action: RollbackRapid, phase: Breached, firstActionAt: 4m, decideBy: 34m}
        an evaluate-tier breach is not watched   | '0x5 0.005x4' | '0.1x10' | {action: None, phase: Stable}
        """)
    void aWatchedTestIsJudgedOnTheWatchGrid(String name, String errorRate, String latency, String expect)
        throws Exception {
      PolicyTestFile f = file(WATCHED_POLICY, "{errorRate: '" + errorRate.strip() + "', latencyP95: '"
          + latency.strip() + "'}",
          expect.strip());
      Outcome o = runner.run(f, f.tests().get(0));
      assertThat(o.failures()).as(name + "\n" + String.join("\n", o.details())).isEmpty();
    }

    @Test
    void theStatusShowsTheWatchAndTheRevisionBecomesStableAtItsEnd() throws Exception {
      PolicyTestFile f = file(WATCHED_POLICY, "{errorRate: '0x9', latencyP95: '0.1x9'}",
          "{action: None, phase: Stable}");
      Simulation s = runner.simulate(f, f.tests().get(0), 0, true);
      assertThat(s.status().stableRevision).isEqualTo(7);
      assertThat(s.status().watchUntil).isEqualTo("1970-01-01T00:12:00Z");
      assertThat(s.status().timeline).extracting(e -> e.event)
          .containsExactly("RolloutObserved", "WatchStarted", "ObservationPassed");

      PolicyTestFile g = file(WATCHED_POLICY, "{errorRate: '0x6', latencyP95: '0.1x6'}", "{phase: Watching}");
      Simulation watched = runner.simulate(g, g.tests().get(0), 0, true);
      assertThat(watched.status().phase).isEqualTo(Phase.Watching);
      assertThat(watched.status().stableRevision).isEqualTo(6);
    }

    @Test
    void aRolloutStartOffTheWatchGridIsRefused() throws Exception {
      PolicyTestFile f = file(WATCHED_POLICY, "{errorRate: '0x9'}", "{action: None}");
      assertThatThrownBy(() -> runner.simulate(f, f.tests().get(0), 30_000, true))
          .hasMessageContaining("the rollout must start on its sampling grid and its watch's, a multiple of 2m since"
              + " the epoch");
    }
  }
}
