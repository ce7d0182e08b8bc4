package io.rollbackguard.cli.demo;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * An in-process Kubernetes API: the Fabric8 mock server in CRUD mode with the RollbackPolicy CRD loaded, every
 * request recorded, and room to answer one request with an error (a 409, say). For `demo` and the ITs; `run` never
 * starts it.
 */
public final class EmbeddedKubernetes implements AutoCloseable {
  public static final java.util.List<String> CRD_RESOURCES = java.util.List.of(
      "/crds/rollbackpolicies.rollbackguard.io-v1.yml", "/crds/rolloutverdicts.rollbackguard.io-v1.yml");

  /** What the operator's client calls itself, so requests can be told from the script's own. */
  public static final String OPERATOR_USER_AGENT = "rollback-guard-operator";
  /** The mock server logs every request at INFO through java.util.logging; kept referenced so it stays quiet. */
  private static final java.util.logging.Logger MOCK_LOG = quiet("io.fabric8.mockwebserver.MockWebServer");

  /** One request as the server saw it. */
  public record Request(String method, String path, String userAgent) {
    public boolean fromOperator() {
      return userAgent != null && userAgent.startsWith(OPERATOR_USER_AGENT);
    }

    public boolean isWrite() {
      return !"GET".equals(method);
    }
  }

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger l = java.util.logging.Logger.getLogger(name);
    l.setLevel(java.util.logging.Level.WARNING);
    return l;
  }

  private final KubernetesMockServer server;
  private final RecordingDispatcher dispatcher;
  private final KubernetesClient client;

  private EmbeddedKubernetes() {
    dispatcher = new RecordingDispatcher(new KubernetesCrudDispatcher(List.of()));
    VersionInfo version = new VersionInfo.Builder().withMajor("1").withMinor("31").withGitVersion("v1.31.0")
        .build();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false,
        version);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
    // /status is a subresource of the custom resource only once its CRD exists: load it before anything else.
    for (String resource : CRD_RESOURCES) {
      try (InputStream crd = EmbeddedKubernetes.class.getResourceAsStream(resource)) {
        if (crd == null) {
          throw new IllegalStateException(resource + " is missing from the classpath");
        }
        client.apiextensions().v1().customResourceDefinitions()
            .resource(client.getKubernetesSerialization().unmarshal(crd, CustomResourceDefinition.class)).create();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  public static EmbeddedKubernetes start() {
    return new EmbeddedKubernetes();
  }

  /** A client of this server, as the test or the demo script uses it. */
  public KubernetesClient client() {
    return client;
  }

  /** A fresh client over HTTP, for the operator: what `run` would build from a kubeconfig, with its user agent. */
  public KubernetesClient newOperatorClient() {
    return newOperatorClient("");
  }

  /** An operator's client whose requests can be told from another replica's: user agent {@code rollback-guard-operator/NAME}. */
  public KubernetesClient newOperatorClient(String replica) {
    String agent = replica.isEmpty() ? OPERATOR_USER_AGENT : OPERATOR_USER_AGENT + "/" + replica;
    return server.createClient(b -> b.editOrNewConfig().withUserAgent(agent).endConfig());
  }

  public String url() {
    return server.url("/");
  }

  public List<Request> requests() {
    return new ArrayList<>(dispatcher.requests);
  }

  /** Answers the next request that matches with {@code code} and a Status body, then serves normally again. */
  public void failOnce(Predicate<Request> which, int code) {
    dispatcher.failures.add(new Failure(which, code));
  }

  /** Injected failures not served yet. */
  public int pendingFailures() {
    return dispatcher.failures.size();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }

  private record Failure(Predicate<Request> which, int code) {}

  private static final class RecordingDispatcher extends Dispatcher {
    private final Dispatcher crud;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Failure> failures = new CopyOnWriteArrayList<>();

    RecordingDispatcher(Dispatcher crud) {
      this.crud = crud;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      Request r = new Request(request.getMethod(), request.getPath(), request.getHeader("User-Agent"));
      requests.add(r);
      if ("GET".equals(r.method()) && ("/version".equals(r.path()) || "/version/".equals(r.path()))) {
        // The CRUD dispatcher would answer /version from its store: serve what a 1.31 API server says.
        return new MockResponse().setResponseCode(200).setBody("{\"major\":\"1\",\"minor\":\"31\","
            + "\"gitVersion\":\"v1.31.0\",\"platform\":\"linux/amd64\"}");
      }
      if ("POST".equals(r.method()) && r.path().startsWith("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")) {
        // Leader election asks what it may do with Leases before it starts; the mock would echo the review back
        // without a status. Answer as an API server would for the operator's Role.
        return new MockResponse().setResponseCode(201).setBody("{\"apiVersion\":\"authorization.k8s.io/v1\","
            + "\"kind\":\"SelfSubjectRulesReview\",\"spec\":{},\"status\":{\"incomplete\":false,"
            + "\"nonResourceRules\":[],\"resourceRules\":[{\"apiGroups\":[\"coordination.k8s.io\"],"
            + "\"resources\":[\"leases\"],\"verbs\":[\"get\",\"create\",\"update\"]}]}}");
      }
      for (Failure f : failures) {
        if (f.which().test(r) && failures.remove(f)) {
          return new MockResponse().setResponseCode(f.code()).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
              + "\"status\":\"Failure\",\"reason\":\"Conflict\",\"code\":" + f.code() + ",\"message\":\"injected\"}");
        }
      }
      return crud.dispatch(request);
    }

    @Override
    public void shutdown() {
      crud.shutdown();
    }
  }
}
