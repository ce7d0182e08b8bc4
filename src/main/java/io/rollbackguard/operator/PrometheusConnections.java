package io.rollbackguard.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.spec.PrometheusSpec;
import io.rollbackguard.signals.PrometheusClient;
import io.rollbackguard.verdict.DurationFormat;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Which Prometheus a policy queries, and with what credentials: its own URL (with the token and CA its Secrets hold,
 * read only from Secrets labelled {@value #CREDENTIALS_LABEL}=true), else the operator's. A token goes only to the URL
 * of the policy that names it.
 */
final class PrometheusConnections {
  static final String CREDENTIALS_LABEL = "rollbackguard.io/credentials";
  private static final long SECRET_TTL_MILLIS = 60_000;
  private static final long CLIENT_IDLE_MILLIS = 600_000;
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * A client; none (Kubernetes-only); why the policy's settings cannot be used (field path and message: the policy
   * is invalid); or why Prometheus cannot be reached as configured right now ({@code unavailable}: the metrics are
   * inconclusive, the policy stays enforced on everything else).
   */
  record Resolved(PrometheusClient client, String problemPath, String problem, String unavailable) {
    Resolved(PrometheusClient client, String problemPath, String problem) {
      this(client, problemPath, problem, null);
    }
  }

  private record CachedSecret(Map<String, String> data, boolean labelled, boolean missing, long readAt) {}

  private final KubernetesClient kubernetes;
  private final String operatorUrl;
  private final Clock clock;
  private final HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, TrustingClient> byCa = new ConcurrentHashMap<>();

  private record TrustingClient(HttpClient http, long usedAt) {}
  private final Map<String, CachedSecret> secrets = new ConcurrentHashMap<>();

  /** Secrets and CA clients held now, for tests that check they are pruned. */
  int held() {
    return secrets.size() + byCa.size();
  }

  PrometheusConnections(KubernetesClient kubernetes, String operatorUrl, Clock clock) {
    this.kubernetes = kubernetes;
    this.operatorUrl = operatorUrl;
    this.clock = clock;
  }

  /** A Secret that could not be read this time (the API server failed): not the policy's fault. */
  private static final class SecretUnavailable extends RuntimeException {
    SecretUnavailable(String message) {
      super(message, null, false, false);
    }
  }

  Resolved resolve(RollbackPolicy policy) {
    try {
      return resolveOrThrow(policy);
    } catch (SecretUnavailable e) {
      return new Resolved(null, null, null, e.getMessage());
    }
  }

  private Resolved resolveOrThrow(RollbackPolicy policy) {
    PrometheusSpec spec = policy.getSpec().prometheus;
    String namespace = policy.getMetadata().getNamespace();
    Duration timeout = spec == null || spec.timeout == null ? DEFAULT_TIMEOUT
        : Duration.ofMillis(DurationFormat.parseMillis(spec.timeout));
    if (spec == null || spec.url == null) {
      if (spec != null && (spec.bearerTokenSecretRef != null || spec.caSecretRef != null)) {
        return new Resolved(null, "spec.prometheus.url", "credentials are only sent to the URL of the policy that"
            + " names them: set spec.prometheus.url");
      }
      return new Resolved(operatorUrl == null ? null : new PrometheusClient(plain, operatorUrl, null, timeout),
          null, null);
    }
    String token = null;
    if (spec.bearerTokenSecretRef != null) {
      String[] value = new String[1];
      String problem = secretValue(namespace, spec.bearerTokenSecretRef, value);
      if (problem != null) {
        return new Resolved(null, "spec.prometheus.bearerTokenSecretRef", problem);
      }
      token = value[0].strip().replace("\uFEFF", "");
      if (!token.matches("[\\x21-\\x7E]+")) {
        return new Resolved(null, "spec.prometheus.bearerTokenSecretRef", "the token in Secret "
            + spec.bearerTokenSecretRef.name + " holds characters an HTTP header cannot carry");
      }
    }
    HttpClient http = plain;
    if (spec.caSecretRef != null) {
      String[] pem = new String[1];
      String problem = secretValue(namespace, spec.caSecretRef, pem);
      if (problem != null) {
        return new Resolved(null, "spec.prometheus.caSecretRef", problem);
      }
      try {
        long now = clock.millis();
        // One client per CA in use; one no policy has used for a while goes (its threads with it, once unreachable).
        byCa.values().removeIf(c -> now - c.usedAt() > CLIENT_IDLE_MILLIS);
        TrustingClient c = byCa.computeIfAbsent(pem[0], p -> new TrustingClient(trusting(p), now));
        byCa.put(pem[0], new TrustingClient(c.http(), now));
        http = c.http();
      } catch (IllegalArgumentException e) {
        return new Resolved(null, "spec.prometheus.caSecretRef", e.getMessage());
      }
    }
    return new Resolved(new PrometheusClient(http, spec.url, token, timeout), null, null);
  }

  /** Puts the value in {@code out[0]}, or says why it cannot be had (never what it holds). */
  private String secretValue(String namespace, PrometheusSpec.SecretKeyRef ref, String[] out) {
    String key = namespace + "/" + ref.name;
    long now = clock.millis();
    // Secrets no policy has asked for in a while (a policy deleted, a ref renamed) are dropped.
    secrets.values().removeIf(c -> now - c.readAt() > 2 * SECRET_TTL_MILLIS);
    CachedSecret s = secrets.get(key);
    if (s == null || now - s.readAt() > SECRET_TTL_MILLIS) {
      try {
        Secret secret = kubernetes.secrets().inNamespace(namespace).withName(ref.name).get();
        boolean labelled = secret != null && secret.getMetadata().getLabels() != null
            && "true".equals(secret.getMetadata().getLabels().get(CREDENTIALS_LABEL));
        // An unlabelled Secret's data is not ours to hold: only the fact that it is unlabelled is kept.
        s = secret == null ? new CachedSecret(Map.of(), false, true, now) : new CachedSecret(
            !labelled || secret.getData() == null ? Map.of() : Map.copyOf(secret.getData()), labelled, false, now);
      } catch (KubernetesClientException e) {
        throw new SecretUnavailable("Secret " + ref.name + " cannot be read right now (HTTP " + e.getCode() + ")");
      }
      secrets.put(key, s);
    }
    if (s.missing()) {
      return "Secret " + ref.name + " does not exist in namespace " + namespace;
    }
    if (!s.labelled()) {
      return "Secret " + ref.name + " is not labelled " + CREDENTIALS_LABEL + "=true, so it is not read";
    }
    String encoded = s.data().get(ref.key);
    if (encoded == null) {
      return "Secret " + ref.name + " has no key " + ref.key;
    }
    out[0] = new String(Base64.getDecoder().decode(encoded), java.nio.charset.StandardCharsets.UTF_8);
    return null;
  }

  private static HttpClient trusting(String pem) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.UTF_8)))) {
        store.setCertificateEntry("ca-" + i++, c);
      }
      if (i == 0) {
        throw new IllegalArgumentException("the CA Secret holds no PEM certificate");
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, tmf.getTrustManagers(), null);
      return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalArgumentException("the CA Secret holds no usable PEM certificate");
    }
  }
}
