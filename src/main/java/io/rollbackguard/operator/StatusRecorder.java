package io.rollbackguard.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that writes the status of one kind: only when it changed, on the status subresource, with the
 * resourceVersion that was read (optimistic locking). A 409 re-reads the object and writes again, a bounded number of
 * times: this operator is the only writer of status, so the newer resourceVersion is all that is missing.
 *
 * <p>A status whose decision did not change may be held back (see {@link #record(CustomResource, Object, boolean,
 * long, long)}): it is then kept here, and {@link #latest} starts the next reconcile from it, so held counters are
 * not lost between writes (only across a restart, where the sampler reads missed instants late).
 */
public final class StatusRecorder<R extends CustomResource<?, S>, S> {
  private static final Logger LOG = LoggerFactory.getLogger(StatusRecorder.class);
  static final int ATTEMPTS = 3;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final Class<R> kind;
  private final Supplier<R> blank;
  /**
   * Per object, the last status computed over a resourceVersion: written (until the informer delivers our own write, a
   * reconcile would otherwise start from the status before it and take the same sample, and emit the same Events,
   * twice), or held back (counters only).
   */
  private final Map<String, Known<S>> known = new ConcurrentHashMap<>();

  private record Known<S>(String over, S status, long writtenAt) {}

  public StatusRecorder(KubernetesClient client, Class<R> kind, Supplier<R> blank) {
    this.client = client;
    this.kind = kind;
    this.blank = blank;
  }

  /** The status to start from: the cached one, or the one this recorder wrote (or held) over it. */
  public S latest(R cached) {
    String key = key(cached);
    Known<S> k = known.get(key);
    if (k == null) {
      return cached.getStatus();
    }
    if (k.over().equals(cached.getMetadata().getResourceVersion())) {
      return k.status() != null ? k.status() : cached.getStatus();
    }
    // The cache has moved past what was written: it holds the status now, so this copy only costs memory. The time
    // of the last write is kept, so held counters still wait their interval.
    known.replace(key, k, new Known<>(cached.getMetadata().getResourceVersion(), null, k.writtenAt()));
    return cached.getStatus();
  }

  /** Forgets an object that is gone. */
  public void forget(String namespace, String name) {
    known.remove(namespace + "/" + name);
  }

  /** Forgets every object whose namespace/name is not in {@code keys} (gone since). */
  public void retainOnly(java.util.Set<String> keys) {
    known.keySet().retainAll(keys);
  }

  public int tracked() {
    return known.size();
  }

  private static String key(CustomResource<?, ?> r) {
    return r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
  }

  /** @return whether the status was written (false: unchanged, or the object is gone) */
  public boolean record(R read, S status) {
    return record(read, status, true, 0, 0);
  }

  /**
   * @param decisionChanged false when only counters and latest values differ from the last status written: such a
   *     status is written at most once per {@code minIntervalMillis}, and held in memory in between
   * @return whether the status was written
   */
  public boolean record(R read, S status, boolean decisionChanged, long minIntervalMillis, long now) {
    return !same(latest(read), status) && recordChanged(read, status, decisionChanged, minIntervalMillis, now);
  }

  /**
   * {@link #record(CustomResource, Object, boolean, long, long)} of a status the caller found to differ from
   * {@link #latest} of {@code read} already.
   */
  boolean recordChanged(R read, S status, boolean decisionChanged, long minIntervalMillis, long now) {
    String key = key(read);
    Known<S> before = known.get(key);
    if (!decisionChanged && before != null && now - before.writtenAt() < minIntervalMillis) {
      known.put(key, new Known<>(read.getMetadata().getResourceVersion(), status, before.writtenAt()));
      return false;
    }
    String namespace = read.getMetadata().getNamespace();
    String name = read.getMetadata().getName();
    String resourceVersion = read.getMetadata().getResourceVersion();
    for (int attempt = 1; ; attempt++) {
      R update = blank.get();
      update.getMetadata().setName(name);
      update.getMetadata().setNamespace(namespace);
      update.getMetadata().setResourceVersion(resourceVersion);
      update.setStatus(status);
      try {
        client.resources(kind).inNamespace(namespace).resource(update).updateStatus();
        // Remember the version this write went over, not the first one read: after a 409 they differ.
        known.put(key, new Known<>(resourceVersion, status, now));
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
          known.remove(key);
          return false;
        }
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= ATTEMPTS) {
          throw e;
        }
        LOG.info("{} {}/{}: status write conflicted (attempt {}), re-reading", kind.getSimpleName(), namespace, name,
            attempt);
        R latest = client.resources(kind).inNamespace(namespace).withName(name).get();
        if (latest == null) {
          known.remove(key);
          return false;
        }
        resourceVersion = latest.getMetadata().getResourceVersion();
      }
    }
  }

  static boolean same(Object a, Object b) {
    JsonNode x = JSON.valueToTree(a);
    JsonNode y = JSON.valueToTree(b);
    return x.equals(y);
  }
}
