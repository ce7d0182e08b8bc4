package io.rollbackguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.api.status.LastIncident;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.cli.demo.EmbeddedKubernetes;
import io.rollbackguard.cli.demo.SimulatedCluster;
import io.rollbackguard.cli.demo.SimulatedCluster.Pods;
import io.rollbackguard.operator.OperatorSettings;
import io.rollbackguard.operator.RollbackGuardOperator;
import io.rollbackguard.policy.PolicyYaml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real operator writes the verdict, the commands read it: after a rollback the bad revision survives in the
 * timeline's wording and in the verdict's lastIncident, so this pins that what the operator writes is what the draft
 * reads back.
 */
class PostmortemCommandIT {
  @TempDir Path home;

  @Test
  void theDraftOfARealRollbackNamesTheBadRevisionTheStableOneAndTheTimeline() throws Exception {
    try (EmbeddedKubernetes k8s = EmbeddedKubernetes.start();
        KubernetesClient operatorClient = k8s.newOperatorClient();
        RollbackGuardOperator operator = RollbackGuardOperator.start(operatorClient,
            new OperatorSettings(Set.of("shop"), null, null, 0), Clock.systemUTC())) {
      KubernetesClient client = k8s.client();
      SimulatedCluster cluster = new SimulatedCluster(client);
      client.resources(RollbackPolicy.class).resource(PolicyYaml.parse("""
          apiVersion: rollbackguard.io/v1alpha1
          kind: RollbackPolicy
          metadata: {name: checkout, namespace: shop}
          spec:
            selector: {matchLabels: {app: checkout}}
            observation: {window: 3s, interval: 1s}
            procedure: {database: {engine: postgres, migrationsReversible: false, restoreCommand: "pg_restore x"}}
          """)).create();
      cluster.deploy("shop", "checkout", Map.of("app", "checkout"), 2, Map.of("app", "registry/checkout:v1.0.0"));
      await(client, d -> "Stable".equals(String.valueOf(d.phase)) && d.revision == 1);
      cluster.rollout("shop", "checkout", Map.of("app", "registry/checkout:v1.1.0"), Pods.CrashLooping);
      await(client, d -> d.revision == 2 && d.action != null && d.action.isRollback());
      cluster.annotate("shop", "checkout", "rollbackguard.io/ack", "erin: rolling back");
      await(client, d -> d.timeline.stream().anyMatch(e -> e.event.equals("Acknowledged")));
      cluster.undo("shop", "checkout", 1);
      await(client, d -> d.revision == 3 && "Stable".equals(String.valueOf(d.phase)));

      // Saved the way on call would save it (kubectl get rv,rbp checkout -n shop -o yaml: a List holding the verdict
      // and its policy); reading from the cluster is RunbookCommandIT's concern.
      RolloutVerdict verdict = client.resources(RolloutVerdict.class).inNamespace("shop").withName("checkout").get();
      LastIncident incident = verdict.getStatus().lastIncident;
      assertThat(incident).isNotNull();
      assertThat(incident.revision).isEqualTo(2L);
      assertThat(incident.resolution).isEqualTo(LastIncident.Resolution.RolledBack);
      assertThat(incident.findings).extracting(f -> f.signal).contains("crashLooping");
      assertThat(verdict.getStatus().findings).isEmpty();
      Path saved = home.resolve("checkout.yaml");
      KubernetesList list = new KubernetesList();
      list.setItems(List.of(verdict,
          client.resources(RollbackPolicy.class).inNamespace("shop").withName("checkout").get()));
      Files.writeString(saved, client.getKubernetesSerialization().asYaml(list));
      CliRun r = IncidentCommandRun.run(new PostmortemCommand(), Instant.now(), "--from-file", saved.toString());
      assertThat(r.err()).isEmpty();
      // the operator's own copy is dated by its latest record, here the restored revision's last sample or event
      assertThat(r.out()).containsPattern("\\nTimes are as of 20\\d\\d-[-0-9T:]+Z, the latest time recorded in"
          + " checkout.yaml for checkout \\(pass --now to change\\)\\.\\n");
      assertThat(r.out()).contains(
          "- **Change:** revision 2 (`registry/checkout:v1.1.0`)",
          "the stable revision was 1 (`registry/checkout:v1.0.0`)",
          "from the rollout to the rollback observed at",
          "- **Detection:** RollbackRapid recommended at",
          "| Deploy | revision 2 (registry/checkout:v1.1.0) |",
          "| Acknowledged | erin: rolling back |",
          "| Rollback observed | revision 3 restores the template of stable revision 1",
          "- What changed between v1.0.0 and v1.1.0?",
          "- No feature flag is declared in the policy",
          "- Database migrations are declared irreversible")
          .containsPattern("\\n  - \\d pods? of the new revision crash-looping\\n");

      // A long incident's bounded timeline may have lost the recommendations: the finding comes from lastIncident.
      verdict.getStatus().timeline.removeIf(e -> e.event.endsWith("Recommended") || e.event.equals("Escalated"));
      Files.writeString(saved, client.getKubernetesSerialization().asYaml(list));
      CliRun trimmed = IncidentCommandRun.run(new PostmortemCommand(), Instant.now(), "--from-file",
          saved.toString());
      assertThat(trimmed.out()).doesNotContain("RollbackRapid (rapid)")
          .containsPattern("\\n  - \\d pods? of the new revision crash-looping\\n");
    }
  }

  private static void await(KubernetesClient client, Predicate<RolloutVerdictStatus> done) {
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
      RolloutVerdict v = client.resources(RolloutVerdict.class).inNamespace("shop").withName("checkout").get();
      RolloutVerdictStatus d = v == null ? null : v.getStatus();
      return d == null || d.revision == null || d.timeline == null ? null : d;
    }, d -> d != null && done.test(d));
  }
}
