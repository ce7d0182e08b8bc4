package io.rollbackguard.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Posts alerts to one Alertmanager's v2 API ({@code POST /api/v2/alerts}). Every post ends by its deadline whatever the
 * server does: the caller waits on the exchange for the time left, not on the socket (as {@code PrometheusClient}).
 * The bearer token, read from its file at each post so that a rotated token is used at once, goes to the configured
 * Alertmanagers only and appears in no log.
 */
public final class AlertmanagerClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An alert as sent: resolved when {@code endsAt} is not after now. */
  public record Posted(Alert alert, long endsAt) {}

  private final HttpClient http;
  private final URI endpoint;
  private final Path tokenFile;

  public AlertmanagerClient(HttpClient http, String baseUrl, Path tokenFile) {
    this.http = http;
    String base = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
    this.endpoint = URI.create(base).resolve("api/v2/alerts");
    this.tokenFile = tokenFile;
  }

  public String url() {
    return endpoint.toString();
  }

  /** Starts the post; the future ends with null when Alertmanager accepted the alerts, else with why not. */
  CompletableFuture<String> post(List<Posted> alerts, Duration timeout) {
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body(alerts)));
    if (tokenFile != null) {
      String token;
      try {
        token = Files.readString(tokenFile).trim();
      } catch (IOException e) {
        return CompletableFuture.completedFuture("cannot read the token file " + tokenFile);
      }
      try {
        request.header("Authorization", "Bearer " + token);
      } catch (IllegalArgumentException e) {
        return CompletableFuture.completedFuture("the token in " + tokenFile + " is not a valid header value");
      }
    }
    try {
      return http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
          .handle((response, failure) -> failure != null ? "unreachable (" + rootCause(failure) + ")"
              : response.statusCode() / 100 == 2 ? null : "answered HTTP " + response.statusCode());
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture("the request could not be sent (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** The v2 API's postable alerts: labels, annotations, startsAt, endsAt. */
  static String body(List<Posted> alerts) {
    ArrayNode array = JSON.createArrayNode();
    for (Posted p : alerts) {
      ObjectNode a = array.addObject();
      ObjectNode labels = a.putObject("labels");
      p.alert().labels().forEach(labels::put);
      ObjectNode annotations = a.putObject("annotations");
      for (Map.Entry<String, String> e : p.alert().annotations().entrySet()) {
        annotations.put(e.getKey(), e.getValue());
      }
      a.put("startsAt", Instant.ofEpochMilli(p.alert().startsAt()).toString());
      a.put("endsAt", Instant.ofEpochMilli(p.endsAt()).toString());
    }
    return array.toString();
  }

  private static String rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
  }
}
