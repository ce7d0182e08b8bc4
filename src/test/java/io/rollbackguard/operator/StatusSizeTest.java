package io.rollbackguard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rollbackguard.TestingPolicies;
import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.api.spec.RolloutVerdictSpec;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.RollbackPolicyStatus;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.policy.CompiledPolicy;
import io.rollbackguard.rollout.RolloutSnapshot;
import io.rollbackguard.signals.PodState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The policy's summary stays under 16 KiB whatever it selects, and one verdict under 8 KiB (etcd's object limit is
 * 1.5 MiB; a real API server refuses larger objects).
 */
class StatusSizeTest {
  static final int POLICY_LIMIT = 16 * 1024;
  static final int VERDICT_LIMIT = 8 * 1024;
  final TargetEvaluator evaluator = new TargetEvaluator();
  final CompiledPolicy policy = TestingPolicies.compile("  observation: {window: 15m, interval: 30s}\n"
      + "  procedure: {featureFlags: [newCheckout, newPricing], database: {engine: postgres, migrationsReversible:"
      + " false, restoreCommand: \"pg_restore -h db -U admin -d shop backup.dump\"}, extraSteps: [\"Update the status"
      + " page\", \"Schedule the post-mortem within 48h\"]}\n", false);
  final ObjectMapper json = new ObjectMapper();

  static RolloutSnapshot snapshot(int i, long revision, boolean complete) {
    String name = "service-with-a-long-name-" + String.format("%05d", i);
    Map<String, RolloutSnapshot.HistoryEntry> history = new LinkedHashMap<>();
    for (long r = 1; r <= revision; r++) {
      history.put(hash(r), new RolloutSnapshot.HistoryEntry(r, containers(name, r)));
    }
    return new RolloutSnapshot("shop", name, Map.of("app", name), Map.of("meta.helm.sh/release-name", name),
        revision, hash(revision), containers(name, revision), 3, complete ? 3 : 2, complete, false, history,
        revision == 1 ? 0L : null); // revision 1 in place long before: adopted when first seen

  }

  static Map<String, String> containers(String name, long revision) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("app", "registry.example.com/platform/" + name + ":v" + revision + ".0.0-build-20261127");
    c.put("sidecar", "registry.example.com/platform/envoy-proxy:1.29." + revision);
    return c;
  }

  static String hash(long revision) {
    return "5d8f9c7b" + revision;
  }

  private List<RolloutVerdict> fleet(int n, int rolling, int bad) {
    long t0 = 1_800_000_000_000L;
    Map<Integer, RolloutVerdictStatus> previous = new HashMap<>();
    for (int i = 0; i < n; i++) {
      previous.put(i, evaluator.evaluate(policy, snapshot(i, 1, true), List.of(), null, null, t0).status());
    }
    long now = t0 + 7_200_000;
    List<RolloutVerdict> verdicts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean rollingOut = i < rolling;
      RolloutSnapshot s = snapshot(i, rollingOut ? 2 : 1, !rollingOut);
      List<PodState> pods = i < bad ? List.of(new PodState("p", true, 4)) : List.of();
      RolloutVerdictStatus status = evaluator.evaluate(policy, s, pods, null, previous.get(i), now).status();
      if (i < bad) {
        // a declaration on top, so the verdict carries the most a verdict can: two findings, two timeline kinds
        status = evaluator.evaluate(policy, snapshot(i, 2, false).withAnnotation("rollbackguard.io/declare",
            "data-corruption"), pods, null, status, now + 1_000).status();
      }
      RolloutVerdict v = new RolloutVerdict();
      v.getMetadata().setName(s.name());
      v.getMetadata().setNamespace("shop");
      v.setSpec(new RolloutVerdictSpec(s.name(), "checkout"));
      v.setStatus(status);
      verdicts.add(v);
    }
    return verdicts;
  }

  @Test
  void tenThousandDeploymentsWithAThousandRollingOutAndAHundredBadFitThePolicySummary() throws Exception {
    List<RolloutVerdict> verdicts = fleet(10_000, 1_000, 100);
    RollbackPolicyStatus s = PolicyStatusAssembler.assemble(null, verdicts, new PolicyStatusAssembler.Context(
        "shop", 1, false, Set.of(), null, List.of(), 1_800_000_000_000L + 7_300_000));
    assertThat(s.targets).isEqualTo(10_000);
    assertThat(s.recommendations).hasSize(10);
    assertThat(s.recommendationsOmitted).isEqualTo(90);
    assertThat(s.actions).containsEntry(Action.RollbackImmediate.name(), 100);
    assertThat(json.writeValueAsBytes(s).length).as("policy status bytes").isLessThan(POLICY_LIMIT);
    // the first recommendations keep their procedure; those past the budget point at their verdict
    assertThat(s.recommendations.get(0).procedure.mentions("kubectl")).isTrue();
  }

  @Test
  void aBreachedVerdictWithFlagsADatabaseAndAHelmWarningFitsItsBudget() throws Exception {
    RolloutVerdict worst = fleet(3, 3, 3).get(0);
    assertThat(worst.getStatus().action).isEqualTo(Action.RollbackImmediate);
    assertThat(worst.getStatus().procedure).isNotNull();
    assertThat(json.writeValueAsBytes(worst.getStatus()).length).as("verdict status bytes").isLessThan(VERDICT_LIMIT);
  }

  @Test
  void aVerdictWithManyLongQueriesKeepsTheQueriesOfWhatFiredAndFitsItsBudget() throws Exception {
    StringBuilder custom = new StringBuilder("  signals:\n    custom:\n");
    StringBuilder criteria = new StringBuilder("  tiers:\n    rapid:\n      custom:\n");
    String longQuery = "sum(rate(some_long_metric_name_total{namespace=\\\"shop\\\",label_" + "x".repeat(700)
        + "=\\\"y\\\"}[1m]))";
    for (int i = 0; i < 8; i++) {
      custom.append("      - {name: probe").append(i).append(", query: \"").append(longQuery).append("\"}\n");
      criteria.append("        - {signal: probe").append(i).append(", above: ").append(i == 0 ? "0.5" : "100")
          .append(", for: 0s}\n");
    }
    CompiledPolicy metrics = TestingPolicies.compile("  observation: {window: 15m, interval: 30s}\n"
        + "  prometheus: {url: 'http://prometheus:9090'}\n" + custom + criteria, true);
    assertThat(metrics.valid()).as(metrics.problemsText()).isTrue();
    long t0 = 1_800_000_000_000L;
    RolloutVerdictStatus adopted = evaluator.evaluate(metrics, snapshot(0, 1, true), List.of(), null, null, t0)
        .status();
    RolloutSnapshot rolling = snapshot(0, 2, false);
    RolloutVerdictStatus s = evaluator.evaluate(metrics, rolling, List.of(), null, adopted, t0 + 1_000).status();
    long instant = io.rollbackguard.verdict.Policy.gridAtOrAfter(t0 + 1_001, 30_000);
    Map<String, io.rollbackguard.verdict.MetricReading> readings = new HashMap<>();
    for (int i = 0; i < 8; i++) {
      readings.put("probe" + i, new io.rollbackguard.verdict.MetricReading(1.0, null, longQuery));
    }
    for (String signal : metrics.policy().usedMetricSignals()) {
      readings.putIfAbsent(signal, new io.rollbackguard.verdict.MetricReading(0.0, null, longQuery));
    }
    MetricSource source = (state, now) -> new io.rollbackguard.verdict.Sampling(instant, Map.of(instant, readings));
    s = evaluator.evaluate(metrics, rolling, List.of(), source, s, instant + 10).status();
    assertThat(s.action).isEqualTo(Action.RollbackRapid);
    assertThat(json.writeValueAsBytes(s).length).as("verdict status bytes").isLessThan(VERDICT_LIMIT);
    assertThat(s.findings).filteredOn(f -> f.firedAt != null).isNotEmpty()
        .allSatisfy(f -> assertThat(f.query).isNotNull());
  }
}
