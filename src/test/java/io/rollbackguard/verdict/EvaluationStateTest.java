package io.rollbackguard.verdict;

import static io.rollbackguard.TestingPolicies.policy;
import static io.rollbackguard.verdict.EngineRun.obs;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.EvaluationState;
import io.rollbackguard.policy.PolicyYaml;
import org.junit.jupiter.api.Test;

class EvaluationStateTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aStateStoredInStatusAndReadBackResumesTheWindowExactly() throws Exception {
    Policy p = policy("  observation: {window: 5m, interval: 30s}\n");
    EngineRun uninterrupted = new EngineRun(p);
    EngineRun restarted = new EngineRun(p);
    EngineRun.Obs rising = obs().healthyMetrics().errorRate(0.02);
    uninterrupted.every(0, 90, rising);
    restarted.every(0, 90, rising);
    // the operator restarts: the state goes through JSON (status) and back, YAML too (kubectl get -o yaml)
    String json = JSON.writeValueAsString(restarted.state);
    restarted.state = PolicyYaml.mapper().readValue(
        PolicyYaml.mapper().writeValueAsString(JSON.readValue(json, EvaluationState.class)), EvaluationState.class);

    Verdict a = uninterrupted.every(120, 300, rising.declare("security-flaw"));
    Verdict b = restarted.every(120, 300, rising.declare("security-flaw"));
    assertThat(b).isEqualTo(a);
    assertThat(b.action()).isEqualTo(Action.RollbackImmediate);
    assertThat(b.findings()).anySatisfy(f -> assertThat(f.since()).isEqualTo(0L));
  }

  @Test
  void aStoredStateKeepsItsPlaceOnTheGridAndWhatItMissed() throws Exception {
    Policy p = policy("  observation: {window: 5m, interval: 30s}\n");
    EngineRun run = EngineRun.startedAt(p, 7);
    run.at(30, obs().healthyMetrics());
    run.at(95, obs().healthyMetrics()); // 60 missed
    EvaluationState back = JSON.readValue(JSON.writeValueAsString(run.state), EvaluationState.class);
    assertThat(back.lastSampleAt).isEqualTo(90_000);
    assertThat(back.sampledInterval).isEqualTo(30_000);
    assertThat(back.samplesTaken).isEqualTo(2);
    assertThat(back.samplesMissed).isEqualTo(1);
    assertThat(p.nextSampleAt(back)).isEqualTo(120_000);
    assertThat(JSON.writeValueAsString(EvaluationState.forRollout(null, "7", 7_000))).doesNotContain("lastSampleAt");
  }

  @Test
  void aStoredStateStaysSmall() throws Exception {
    Policy p = policy("  observation: {window: 15m, interval: 30s}\n");
    EngineRun run = new EngineRun(p);
    run.every(0, 900, obs().healthyMetrics().errorRate(0.03).latency(3).crashLooping(2));
    assertThat(JSON.writeValueAsString(run.state).length()).isLessThan(2_000);
  }
}
