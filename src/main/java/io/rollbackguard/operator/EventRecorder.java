package io.rollbackguard.operator;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.rollbackguard.api.status.TimelineEntry;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns timeline entries into Kubernetes Events on the Deployment and on the policy. Called only after the status
 * that holds the entries was written, so a restart never emits one twice (at worst, one is lost).
 */
public final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final Set<String> WARNINGS = Set.of("RollbackRecommended", "Escalated", "DeadlinePassed",
      "ObservationInconclusive", "DeclarationUnknown", "Declared", "FeatureFlagRecommended");

  private final KubernetesClient client;

  public EventRecorder(KubernetesClient client) {
    this.client = client;
  }

  public void record(HasMetadata deployment, HasMetadata policy, TimelineEntry entry) {
    String message = deployment.getMetadata().getName() + ": " + entry.message;
    emit(deployment, entry, message);
    emit(policy, entry, message);
  }

  private void emit(HasMetadata on, TimelineEntry entry, String message) {
    String namespace = on.getMetadata().getNamespace();
    Event event = new EventBuilder()
        .withNewMetadata().withGenerateName(on.getMetadata().getName() + ".").withNamespace(namespace).endMetadata()
        .withNewInvolvedObject().withApiVersion(on.getApiVersion()).withKind(on.getKind())
        .withName(on.getMetadata().getName()).withNamespace(namespace).withUid(on.getMetadata().getUid())
        .endInvolvedObject()
        .withReason(entry.event).withMessage(message.length() > 1024 ? message.substring(0, 1021) + "..." : message)
        .withType(WARNINGS.contains(entry.event) ? "Warning" : "Normal")
        .withFirstTimestamp(entry.at).withLastTimestamp(entry.at).withCount(1)
        .withNewSource().withComponent("rollback-guard").endSource().withReportingComponent("rollback-guard")
        .build();
    try {
      client.v1().events().inNamespace(namespace).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.warn("{} {}/{}: could not record event {}: {}", on.getKind(), namespace, on.getMetadata().getName(),
          entry.event, e.getMessage());
    }
  }
}
