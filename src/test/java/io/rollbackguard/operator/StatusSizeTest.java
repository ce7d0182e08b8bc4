package io.rollbackguard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rollbackguard.TestingPolicies;
import io.rollbackguard.api.status.DeploymentStatus;
import io.rollbackguard.api.status.RollbackPolicyStatus;
import io.rollbackguard.policy.CompiledPolicy;
import io.rollbackguard.rollout.RolloutSnapshot;
import io.rollbackguard.signals.PodState;
import io.rollbackguard.verdict.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A policy's status stays well under the 256 KiB the issue allows (etcd's object limit is 1.5 MiB). */
class StatusSizeTest {
  static final int LIMIT = 256 * 1024;
  static final int TARGETS = 1000;
  final TargetEvaluator evaluator = new TargetEvaluator();
  final CompiledPolicy policy = TestingPolicies.compile("  observation: {window: 15m, interval: 30s}\n", false);

  static RolloutSnapshot snapshot(int i, long revision, String hash, boolean complete) {
    String name = "service-" + String.format("%04d", i);
    Map<String, RolloutSnapshot.HistoryEntry> history = new LinkedHashMap<>();
    for (long r = 1; r <= revision; r++) {
      history.put(hash(r), new RolloutSnapshot.HistoryEntry(r, Map.of("app", "registry.example/" + name + ":v" + r)));
    }
    return new RolloutSnapshot("shop", name, Map.of("app", name), Map.of(), revision, hash, Map.of("app",
        "registry.example/" + name + ":v" + revision), 3, complete ? 3 : 2, complete, false, history, null);
  }

  static String hash(long revision) {
    return "5d8f9c7b" + revision;
  }

  private int size(List<DeploymentStatus> targets, List<Verdict> verdicts, long now) throws Exception {
    RollbackPolicyStatus s = PolicyStatusAssembler.assemble(null, 1, targets, verdicts, false, now);
    return new ObjectMapper().writeValueAsBytes(s).length;
  }

  @Test
  void aThousandStableDeploymentsWithSomeUnderObservationOrBreachedFitInTheStatus() throws Exception {
    long t0 = 1_800_000_000_000L;
    Map<String, DeploymentStatus> previous = new HashMap<>();
    for (int i = 0; i < TARGETS; i++) {
      TargetEvaluator.Result r = evaluator.evaluate(policy, snapshot(i, 1, hash(1), true), List.of(), Map.of(), null, t0);
      previous.put(r.status().name, r.status());
    }
    // two hours later: 100 roll out at once, 10 of them crash-loop
    long now = t0 + 7_200_000;
    List<DeploymentStatus> targets = new ArrayList<>();
    List<Verdict> verdicts = new ArrayList<>();
    for (int i = 0; i < TARGETS; i++) {
      boolean rolling = i < 100;
      RolloutSnapshot s = snapshot(i, rolling ? 2 : 1, hash(rolling ? 2 : 1), !rolling);
      List<PodState> pods = i < 10 ? List.of(new PodState("p", true, 4)) : List.of();
      TargetEvaluator.Result r = evaluator.evaluate(policy, s, pods, Map.of(), previous.get(s.name()), now);
      targets.add(r.status());
      verdicts.add(r.verdict());
    }
    assertThat(targets).filteredOn(d -> d.procedure != null).hasSize(10);
    int bytes = size(targets, verdicts, now);
    assertThat(bytes).as("status bytes").isLessThan(LIMIT);
  }

  @Test
  void whenTooManyTargetsCarryDetailTheLeastUrgentLoseItFirst() throws Exception {
    long t0 = 1_800_000_000_000L;
    List<DeploymentStatus> targets = new ArrayList<>();
    List<Verdict> verdicts = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      List<PodState> pods = i < 20 ? List.of(new PodState("p", true, 4)) : List.of();
      TargetEvaluator.Result r = evaluator.evaluate(policy, snapshot(i, 7, hash(7), false), pods, Map.of(), null, t0);
      targets.add(r.status());
      verdicts.add(r.verdict());
    }
    RollbackPolicyStatus s = PolicyStatusAssembler.assemble(null, 1, targets, verdicts, false, t0);
    assertThat(new ObjectMapper().writeValueAsBytes(s).length).isLessThan(LIMIT);
    // the 20 crash-looping targets keep their procedure and findings; observing ones gave up their timeline first
    assertThat(s.deployments).filteredOn(d -> d.procedure != null).hasSize(20);
    assertThat(s.deployments).filteredOn(d -> d.procedure != null).allSatisfy(d -> assertThat(d.findings).isNotEmpty());
    assertThat(s.deployments).filteredOn(d -> d.timeline.isEmpty()).isNotEmpty();
    assertThat(s.deployments).allSatisfy(d -> assertThat(d.evaluation).isNotNull());
  }
}
