package io.rollbackguard.signals;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * Instant queries against one Prometheus. The bearer token, when there is one, belongs to this URL only: it is sent
 * to nothing else, and appears in no log, status or error message.
 */
public final class PrometheusClient {
  private final HttpClient http;
  private final URI queryEndpoint;
  private final String bearerToken;
  private final Duration timeout;

  public PrometheusClient(HttpClient http, String baseUrl, String bearerToken, Duration timeout) {
    this.http = http;
    String base = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
    this.queryEndpoint = URI.create(base).resolve("api/v1/query");
    this.bearerToken = bearerToken;
    this.timeout = timeout;
  }

  public String url() {
    return queryEndpoint.toString();
  }

  /** Evaluates {@code promql} at {@code atMillis}; never throws: a failure is a response with a reason. */
  public PrometheusResponse query(String promql, long atMillis) {
    String form = "query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
        + "&time=" + String.format(Locale.ROOT, "%.3f", atMillis / 1000.0)
        + "&timeout=" + Math.max(1, timeout.toMillis()) + "ms";
    HttpRequest.Builder request;
    try {
      request = HttpRequest.newBuilder(queryEndpoint)
        .timeout(timeout)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(form));
      if (bearerToken != null) {
        request.header("Authorization", "Bearer " + bearerToken);
      }
    } catch (RuntimeException e) {
      return PrometheusResponse.failed("query failed: the request could not be built (check the URL and token)");
    }
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return PrometheusResponse.parse(response.statusCode(), response.body());
    } catch (HttpTimeoutException e) {
      return PrometheusResponse.failed("query failed: timed out after " + timeout.toMillis() + "ms");
    } catch (ConnectException e) {
      return PrometheusResponse.failed("query failed: cannot connect to " + queryEndpoint.getHost() + ":"
          + queryEndpoint.getPort());
    } catch (IOException e) {
      return PrometheusResponse.failed("query failed: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return PrometheusResponse.failed("query interrupted");
    } catch (RuntimeException e) {
      // e.g. a header the JDK refuses: its message would quote the header, token included, so it is not used
      return PrometheusResponse.failed("query failed: the request could not be built");
    }
  }
}
