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
      StatusRecorder recorder = new StatusRecorder(k8s.newOperatorClient());

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
}
