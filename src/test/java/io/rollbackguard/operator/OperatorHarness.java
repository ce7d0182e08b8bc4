package io.rollbackguard.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.rollbackguard.TestingPolicies;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.cli.demo.EmbeddedKubernetes;
import io.rollbackguard.cli.demo.SimulatedCluster;
import java.time.Clock;
import java.util.Map;
import java.util.Set;

/** The real operator against the embedded API server, with a simulated Deployment controller. */
final class OperatorHarness implements AutoCloseable {
  static final String NS = "shop";
  static final String FAST = "  observation: {window: 3s, interval: 1s}\n";

  final EmbeddedKubernetes k8s = EmbeddedKubernetes.start();
  final KubernetesClient client = k8s.client();
  final SimulatedCluster cluster = new SimulatedCluster(client);
  final SchemaWatch schemas = new SchemaWatch(client);
  RollbackGuardOperator operator;

  OperatorHarness startOperator() {
    return startOperator(new OperatorSettings(Set.of(), null, null, 0));
  }

  OperatorHarness startOperator(OperatorSettings settings) {
    operator = RollbackGuardOperator.start(k8s.newOperatorClient(), settings, Clock.systemUTC());
    return this;
  }

  void stopOperator() {
    operator.close();
    operator = null;
  }

  RollbackPolicy createPolicy(String name, String app, String specBody) {
    return createPolicy(name, Map.of("app", app), specBody);
  }

  RollbackPolicy createPolicy(String name, Map<String, String> matchLabels, String specBody) {
    RollbackPolicy p = TestingPolicies.manifest(specBody);
    p.getMetadata().setName(name);
    p.getMetadata().setNamespace(NS);
    p.getSpec().selector.setMatchLabels(matchLabels);
    return client.resources(RollbackPolicy.class).resource(p).create();
  }

  /** Edits a policy as kubectl edit would: again on a 409 (the operator writes its status meanwhile). */
  void editPolicy(String name, java.util.function.Consumer<RollbackPolicy> edit) {
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
      client.resources(RollbackPolicy.class).inNamespace(NS).withName(name).edit(p -> {
        edit.accept(p);
        return p;
      });
      return true;
    });
  }

  RollbackPolicy policy(String name) {
    return client.resources(RollbackPolicy.class).inNamespace(NS).withName(name).get();
  }

  RolloutVerdict verdict(String deployment) {
    return client.resources(RolloutVerdict.class).inNamespace(NS).withName(deployment).get();
  }

  /** The verdict's status of a Deployment guarded by {@code policy}; null while there is none (or another guards it). */
  RolloutVerdictStatus target(String policy, String deployment) {
    RolloutVerdict v = verdict(deployment);
    if (v == null || v.getStatus() == null || v.getSpec() == null || !policy.equals(v.getSpec().policy)) {
      return null;
    }
    return v.getStatus();
  }

  @Override
  public void close() {
    try {
      if (operator != null) {
        operator.close();
      }
      schemas.close();
      schemas.assertAllFit();
    } finally {
      k8s.close();
    }
  }
}
