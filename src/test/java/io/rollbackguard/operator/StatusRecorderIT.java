package io.rollbackguard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.rollbackguard.TestingPolicies;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.status.RollbackPolicyStatus;
import io.rollbackguard.cli.demo.EmbeddedKubernetes;
import org.junit.jupiter.api.Test;

class StatusRecorderIT {
  private static RollbackPolicyStatus status(String reason) {
    RollbackPolicyStatus s = new RollbackPolicyStatus();
    s.action = "None";
    s.reason = reason;
    s.targets = 0;
    return s;
  }

  @Test
  void aReconcileOnAStaleCopyStartsFromWhatWasWrittenAndDoesNotWriteItAgain() {
    try (EmbeddedKubernetes k8s = EmbeddedKubernetes.start()) {
      RollbackPolicy p = TestingPolicies.manifest("");
      p.getMetadata().setNamespace("shop");
      RollbackPolicy stale = k8s.client().resources(RollbackPolicy.class).resource(p).create();
      StatusRecorder<RollbackPolicy, RollbackPolicyStatus> recorder =
          new StatusRecorder<>(k8s.newOperatorClient(), RollbackPolicy.class, RollbackPolicy::new);

      assertThat(recorder.record(stale, status("first"))).isTrue();
      // the informer has not delivered the write yet: the copy still carries the old resourceVersion and no status
      assertThat(recorder.latest(stale).reason).isEqualTo("first");
      assertThat(recorder.record(stale, status("first"))).isFalse();

      RollbackPolicy fresh = k8s.client().resources(RollbackPolicy.class).inNamespace("shop").withName("p").get();
      assertThat(fresh.getStatus().reason).isEqualTo("first");
      assertThat(recorder.latest(fresh).reason).isEqualTo("first");
      long statusWrites = k8s.requests().stream().filter(r -> r.fromOperator() && r.method().equals("PUT")).count();
      assertThat(statusWrites).isEqualTo(1);
    }
  }

  @Test
  void aStatusWhoseDecisionDidNotChangeIsHeldUntilTheMinimumIntervalHasPassed() {
    try (EmbeddedKubernetes k8s = EmbeddedKubernetes.start()) {
      RollbackPolicy p = TestingPolicies.manifest("");
      p.getMetadata().setNamespace("shop");
      RollbackPolicy created = k8s.client().resources(RollbackPolicy.class).resource(p).create();
      StatusRecorder<RollbackPolicy, RollbackPolicyStatus> recorder =
          new StatusRecorder<>(k8s.newOperatorClient(), RollbackPolicy.class, RollbackPolicy::new);
      long t0 = 1_000_000;
      assertThat(recorder.record(created, status("sample 1"), true, 10_000, t0)).isTrue();
      RollbackPolicy read = k8s.client().resources(RollbackPolicy.class).inNamespace("shop").withName("p").get();
      // counters only, 2 s later: held, yet the next reconcile starts from it
      assertThat(recorder.record(read, status("sample 2"), false, 10_000, t0 + 2_000)).isFalse();
      assertThat(recorder.latest(read).reason).isEqualTo("sample 2");
      // a decision is written at once; counters are written again once the interval has passed
      assertThat(recorder.record(read, status("sample 3"), false, 10_000, t0 + 10_000)).isTrue();
      read = k8s.client().resources(RollbackPolicy.class).inNamespace("shop").withName("p").get();
      assertThat(read.getStatus().reason).isEqualTo("sample 3");
      assertThat(recorder.record(read, status("fired"), true, 10_000, t0 + 11_000)).isTrue();
    }
  }
}
