package io.rollbackguard.operator;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.rollbackguard.api.status.TimelineEntry;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns timeline entries into Kubernetes Events on the Deployment and on its RolloutVerdict. Called only after the
 * status that holds the entries was written. Each Event's name is derived from the verdict, the revision and the
 * entry, so the same transition recorded again (after a crash, by a new leader) is refused by the API server (409)
 * instead of being shown twice.
 */
public final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  // WatchInconclusive ends Stable, but a watch that could not see is a gap in monitoring someone should know of.
  private static final Set<String> WARNINGS = Set.of("RollbackRecommended", "Escalated", "DeadlinePassed",
      "ObservationInconclusive", "WatchInconclusive", "DeclarationUnknown", "Declared", "FeatureFlagRecommended",
      "GuardConflict", "DismissIgnored");

  static final int ATTEMPTS = 3;
  private final KubernetesClient client;

  public EventRecorder(KubernetesClient client) {
    this.client = client;
  }

  public void record(HasMetadata deployment, HasMetadata verdict, Long revision, TimelineEntry entry) {
    String message = deployment.getMetadata().getName() + ": " + entry.message;
    String base = name(verdict.getMetadata().getName(), revision, entry);
    emit(deployment, base + ".d", entry, message);
    emit(verdict, base + ".v", entry, message);
  }

  /** One Event, on one object, named as given: a second attempt of the same one is refused with 409. */
  public void record(HasMetadata on, String name, TimelineEntry entry) {
    emit(on, name, entry, entry.message);
  }

  /** {verdict}.{revision}.{event}.{digest of time and message}: at most 253 characters, a valid DNS subdomain. */
  static String name(String verdict, Long revision, TimelineEntry entry) {
    String digest = digest(entry.at + "\n" + entry.event + "\n" + entry.message);
    String prefix = verdict.length() > 200 ? verdict.substring(0, 200) : verdict;
    return prefix + "." + (revision == null ? "0" : revision) + "." + entry.event.toLowerCase(Locale.ROOT) + "."
        + digest;
  }

  private static String digest(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void emit(HasMetadata on, String name, TimelineEntry entry, String message) {
    String namespace = on.getMetadata().getNamespace();
    Event event = new EventBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewInvolvedObject().withApiVersion(on.getApiVersion()).withKind(on.getKind())
        .withName(on.getMetadata().getName()).withNamespace(namespace).withUid(on.getMetadata().getUid())
        .endInvolvedObject()
        .withReason(entry.event).withMessage(message.length() > 1024 ? message.substring(0, 1021) + "..." : message)
        .withType(WARNINGS.contains(entry.event) ? "Warning" : "Normal")
        .withFirstTimestamp(entry.at).withLastTimestamp(entry.at).withCount(1)
        .withNewSource().withComponent("rollback-guard").endSource().withReportingComponent("rollback-guard")
        .build();
    for (int attempt = 1; ; attempt++) {
      try {
        client.v1().events().inNamespace(namespace).resource(event).create();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
          return; // recorded already: by this process before a restart, or by the previous leader
        }
        // The status that holds the entry is written already: a passing API server error is worth another try.
        boolean passing = e.getCode() >= 500 || e.getCode() == 429 || e.getCode() == 0;
        if (!passing || attempt >= ATTEMPTS) {
          LOG.warn("{} {}/{}: could not record event {}: {}", on.getKind(), namespace, on.getMetadata().getName(),
              entry.event, e.getMessage());
          return;
        }
      }
    }
  }
}
