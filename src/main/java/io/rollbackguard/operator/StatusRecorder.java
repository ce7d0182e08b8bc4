package io.rollbackguard.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.status.RollbackPolicyStatus;
import java.net.HttpURLConnection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that writes a policy's status: only when it changed, on the status subresource, with the
 * resourceVersion that was read (optimistic locking). A 409 re-reads the policy and writes again, a bounded number
 * of times: this operator is the only writer of status, so the newer resourceVersion is all that is missing.
 */
public final class StatusRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(StatusRecorder.class);
  static final int ATTEMPTS = 3;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  /**
   * The last status written per policy, with the resourceVersion it was written over. Until the informer delivers our
   * own write, a reconcile would start from the status before it and take the same sample (and emit the same Events)
   * twice; {@link #latest} closes that gap.
   */
  private final Map<String, Written> written = new ConcurrentHashMap<>();

  private record Written(String over, RollbackPolicyStatus status) {}

  public StatusRecorder(KubernetesClient client) {
    this.client = client;
  }

  /** The status to start from: the cached one, or the one this recorder wrote over it if the cache lags behind. */
  public RollbackPolicyStatus latest(RollbackPolicy cached) {
    Written w = written.get(key(cached));
    return w != null && w.over().equals(cached.getMetadata().getResourceVersion()) ? w.status() : cached.getStatus();
  }

  private static String key(RollbackPolicy p) {
    return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
  }

  /** @return whether the status was written (false: unchanged, or the policy is gone) */
  public boolean record(RollbackPolicy read, RollbackPolicyStatus status) {
    if (same(latest(read), status)) {
      return false;
    }
    String namespace = read.getMetadata().getNamespace();
    String name = read.getMetadata().getName();
    String resourceVersion = read.getMetadata().getResourceVersion();
    for (int attempt = 1; ; attempt++) {
      RollbackPolicy update = new RollbackPolicy();
      update.getMetadata().setName(name);
      update.getMetadata().setNamespace(namespace);
      update.getMetadata().setResourceVersion(resourceVersion);
      update.setStatus(status);
      try {
        client.resources(RollbackPolicy.class).inNamespace(namespace).resource(update).updateStatus();
        written.put(key(read), new Written(read.getMetadata().getResourceVersion(), status));
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= ATTEMPTS) {
          throw e;
        }
        LOG.info("policy {}/{}: status write conflicted (attempt {}), re-reading", namespace, name, attempt);
        RollbackPolicy latest = client.resources(RollbackPolicy.class).inNamespace(namespace).withName(name).get();
        if (latest == null) {
          return false;
        }
        resourceVersion = latest.getMetadata().getResourceVersion();
      }
    }
  }

  private static boolean same(RollbackPolicyStatus a, RollbackPolicyStatus b) {
    JsonNode x = JSON.valueToTree(a);
    JsonNode y = JSON.valueToTree(b);
    return x.equals(y);
  }
}
