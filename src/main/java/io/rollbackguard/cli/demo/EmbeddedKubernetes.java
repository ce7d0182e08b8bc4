package io.rollbackguard.cli.demo;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
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

  /**
   * Drops every watch the operator holds, as an API server restart or a load balancer would: its open watches are
   * closed, its new watches are refused with 503 for {@code outage}, and after that its first watch of each resource
   * is answered 410 Gone, as an API server whose history was compacted meanwhile would answer. (The mock server keeps
   * no history, so without the 410 a re-watch would silently miss what changed during the outage.) The operator must
   * relist to catch up.
   */
  public void dropOperatorWatches(java.time.Duration outage) {
    dispatcher.outageUntil = System.nanoTime() + outage.toNanos();
    for (WebSocket ws : dispatcher.operatorWatches.keySet()) {
      dispatcher.mustRelist.add(dispatcher.operatorWatches.get(ws));
      ws.close(1001, "injected: watch dropped");
    }
    dispatcher.operatorWatches.clear();
  }

  /**
   * Swallows, on every watch the operator holds or opens on {@code resourcePath} (a collection, e.g.
   * {@code /apis/rollbackguard.io/v1alpha1/namespaces/shop/rolloutverdicts}), the next {@code DELETED} event of the
   * object named {@code name}: a delete its caches never hear of, as a watch event lost between an API server and
   * a client would be. Once per watch.
   */
  public void loseNextDelete(String resourcePath, String name) {
    dispatcher.lostDeletes.add(resourcePath + "|" + name);
  }

  /** Watches the operator has opened, by resource path: more than one per path means it watched again. */
  public java.util.Map<String, Integer> operatorWatchesOpened() {
    return java.util.Map.copyOf(dispatcher.watchesOpened);
  }

  /** Watches answered 410 Gone since {@link #dropOperatorWatches}: each made an informer relist. */
  public int goneServed() {
    return dispatcher.goneServed.get();
  }

  /**
   * Before the next request that matches is served, applies a JSON merge patch to the object at {@code path}: a
   * concurrent writer that got there first, so a write carrying the resourceVersion it read meets a genuine 409.
   * (Applied to the store in the server's own thread: a request from here to the server would wait on itself.)
   */
  public void patchBefore(Predicate<Request> which, String path, String mergePatch) {
    dispatcher.edits.add(new Edit(which, path, mergePatch));
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

  /** The resourceVersion a watch request's path asks to start after (0: none, or "0", any). */
  static long askedVersionOf(String path) {
    return RecordingDispatcher.askedVersion(path);
  }

  private record Failure(Predicate<Request> which, int code) {}

  private record Edit(Predicate<Request> which, String path, String mergePatch) {}

  private static final class RecordingDispatcher extends Dispatcher {
    private final Dispatcher crud;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Failure> failures = new CopyOnWriteArrayList<>();
    private final List<Edit> edits = new CopyOnWriteArrayList<>();
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
        new com.fasterxml.jackson.databind.ObjectMapper();
    /** The operator's open watches, by socket, with the resource path each watches. */
    private final java.util.Map<WebSocket, String> operatorWatches = new ConcurrentHashMap<>();
    private final Set<String> mustRelist = ConcurrentHashMap.newKeySet();
    private final AtomicInteger goneServed = new AtomicInteger();
    /** "path|name" of DELETED events to swallow, once per operator watch on that path. */
    private final java.util.Set<String> lostDeletes = ConcurrentHashMap.newKeySet();
    private final java.util.Map<String, Integer> watchesOpened = new ConcurrentHashMap<>();
    private volatile long outageUntil = System.nanoTime();

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
      for (Edit e : edits) {
        if (e.which().test(r) && edits.remove(e)) {
          MockResponse edited = crud.dispatch(new RecordedRequest("HTTP/1.1", io.fabric8.mockwebserver.dsl.HttpMethod.PATCH,
              e.path(), Headers.builder().add("Content-Type", "application/merge-patch+json").build(),
              new io.fabric8.mockwebserver.http.Buffer().writeUtf8(e.mergePatch())));
          if (edited.code() >= 300) {
            throw new IllegalStateException("the injected concurrent edit of " + e.path() + " failed: " + edited.code());
          }
          break; // one edit per request: the next one waits for the next request that matches
        }
      }
      if ("PUT".equals(r.method()) && stale(request)) {
        return status(409, "Conflict", "Operation cannot be fulfilled: the object has been modified; please apply your"
            + " changes to the latest version and try again");
      }
      boolean operatorWatch = r.fromOperator() && "GET".equals(r.method()) && r.path().contains("watch=true");
      if (!operatorWatch) {
        return crud.dispatch(request);
      }
      String resource = r.path().substring(0, r.path().indexOf('?') < 0 ? r.path().length() : r.path().indexOf('?'));
      if (System.nanoTime() - outageUntil < 0) {
        return status(503, "ServiceUnavailable", "injected: watches refused");
      }
      if (mustRelist.remove(resource)) {
        goneServed.incrementAndGet();
        return status(410, "Expired", "injected: too old resource version");
      }
      MockResponse response = crud.dispatch(request);
      WebSocketListener watch = response.getWebSocketListener();
      return watch == null ? response : response.withWebSocketUpgrade(new TrackedWatch(watch, resource, askedVersion(r.path())));
    }

    /**
     * Whether an update carries a resourceVersion other than the stored one. An API server refuses such a write with
     * 409 (optimistic concurrency); the CRUD mock would accept it, so it is checked here, for status writes too.
     */
    private boolean stale(RecordedRequest request) {
      String sent;
      try {
        sent = JSON.readTree(request.getBody().getBytes()).path("metadata").path("resourceVersion").asText("");
      } catch (IOException | RuntimeException notJson) {
        return false;
      }
      if (sent.isEmpty()) {
        return false; // an unconditional update
      }
      String path = request.getPath().replaceFirst("\\?.*$", "").replaceFirst("/(status|scale)$", "");
      MockResponse current = crud.dispatch(new RecordedRequest("HTTP/1.1", io.fabric8.mockwebserver.dsl.HttpMethod.GET,
          path, Headers.builder().build(), new io.fabric8.mockwebserver.http.Buffer()));
      if (current.code() != 200) {
        return false; // the CRUD dispatcher answers a missing object itself
      }
      try {
        String stored = JSON.readTree(current.getBody().readUtf8()).path("metadata").path("resourceVersion").asText("");
        return !stored.isEmpty() && !stored.equals(sent);
      } catch (IOException | RuntimeException unreadable) {
        return false;
      }
    }

    private static MockResponse status(int code, String reason, String message) {
      return new MockResponse().setResponseCode(code).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
          + "\"status\":\"Failure\",\"reason\":\"" + reason + "\",\"code\":" + code + ",\"message\":\""
          + message + "\"}");
    }

    /**
     * The server's side of one operator watch: sends what the CRUD dispatcher sends, but for a lost delete, and from
     * (about) the resourceVersion the watch asked for. The CRUD dispatcher opens every watch by sending each stored object it
     * matches as ADDED, whatever resourceVersion was asked; an API server sends only what changed after it. Fabric8's
     * informers close and re-open their watches every 5 to 10 minutes, each time from the last resourceVersion seen,
     * so without this every re-open made the operator parse the whole store again. It sends more than an API server
     * would, never less: the mock gives a DELETED its object's last version, so a watch re-opened just after one
     * starts from that older version and gets what changed since again.
     */
    private final class LossyWebSocket implements WebSocket {
      private final WebSocket ws;
      private final String resource;
      /** Objects at or below this resourceVersion are known to the watcher (0: it asked for none, so all are sent). */
      private final long after;
      private final java.util.Set<String> lost = ConcurrentHashMap.newKeySet();

      LossyWebSocket(WebSocket ws, String resource, long after) {
        this.ws = ws;
        this.resource = resource;
        this.after = after;
      }

      @Override
      public RecordedRequest request() {
        return ws.request();
      }

      @Override
      public boolean send(String text) {
        return known(text) || lose(text) || ws.send(text);
      }

      @Override
      public boolean send(byte[] bytes) {
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        return known(text) || lose(text) || ws.send(bytes);
      }

      /**
       * Whether the event is the CRUD dispatcher's replay of an object the watcher already has: ADDED, at or below the
       * resourceVersion asked. (A live ADDED always carries a newer one; a DELETED carries the object's last one, which
       * may be older, and is always sent.)
       */
      private boolean known(String event) {
        if (after <= 0 || !event.contains("\"ADDED\"")) {
          return false;
        }
        try {
          com.fasterxml.jackson.databind.JsonNode e = JSON.readTree(event);
          if (!"ADDED".equals(e.path("type").asText())) {
            return false;
          }
          String version = e.path("object").path("metadata").path("resourceVersion").asText("");
          return !version.isEmpty() && Long.parseLong(version) <= after;
        } catch (IOException | RuntimeException notJson) {
          return false;
        }
      }

      @Override
      public boolean close(int code, String reason) {
        return ws.close(code, reason);
      }

      private boolean lose(String event) {
        if (lostDeletes.isEmpty() || !event.contains("\"DELETED\"")) {
          return false;
        }
        try {
          String name = JSON.readTree(event).path("object").path("metadata").path("name").asText("");
          String key = resource + "|" + name;
          return lostDeletes.contains(key) && lost.add(key);
        } catch (IOException | RuntimeException notJson) {
          return false;
        }
      }
    }

    /**
     * The resourceVersion a watch request asks to start after; 0 when it asks for none, for "0" (any), or for the
     * initial events too ({@code sendInitialEvents=true}, a watch-list).
     */
    static long askedVersion(String path) {
      int query = path.indexOf('?');
      if (query < 0 || path.contains("sendInitialEvents=true")) {
        return 0;
      }
      for (String parameter : path.substring(query + 1).split("&")) {
        if (parameter.startsWith("resourceVersion=")) {
          try {
            return Long.parseLong(parameter.substring("resourceVersion=".length()));
          } catch (NumberFormatException notANumber) {
            return 0;
          }
        }
      }
      return 0;
    }

    /** The CRUD dispatcher's watch, with its socket remembered so that a test can drop it. */
    private final class TrackedWatch extends WebSocketListener {
      private final WebSocketListener delegate;
      private final String resource;
      private final long after;

      TrackedWatch(WebSocketListener delegate, String resource, long after) {
        this.delegate = delegate;
        this.resource = resource;
        this.after = after;
      }

      @Override
      public void onBeforeAccept(WebSocket ws, Response response) {
        delegate.onBeforeAccept(ws, response);
      }

      @Override
      public void onOpen(WebSocket ws, Response response) {
        operatorWatches.put(ws, resource);
        watchesOpened.merge(resource, 1, Integer::sum);
        delegate.onOpen(new LossyWebSocket(ws, resource, after), response);
      }

      @Override
      public void onMessage(WebSocket ws, String text) {
        delegate.onMessage(ws, text);
      }

      @Override
      public void onMessage(WebSocket ws, io.fabric8.mockwebserver.http.ByteString bytes) {
        delegate.onMessage(ws, bytes);
      }

      @Override
      public void onMessage(WebSocket ws, byte[] bytes) {
        delegate.onMessage(ws, bytes);
      }

      @Override
      public void onClosing(WebSocket ws, int code, String reason) {
        operatorWatches.remove(ws);
        delegate.onClosing(ws, code, reason);
      }

      @Override
      public void onClosed(WebSocket ws, int code, String reason) {
        operatorWatches.remove(ws);
        delegate.onClosed(ws, code, reason);
      }

      @Override
      public void onFailure(WebSocket ws, Throwable t, Response response) {
        operatorWatches.remove(ws);
        delegate.onFailure(ws, t, response);
      }
    }

    @Override
    public void shutdown() {
      crud.shutdown();
    }
  }
}
