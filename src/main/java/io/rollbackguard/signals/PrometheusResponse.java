package io.rollbackguard.signals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An answer of Prometheus's instant-query API ({@code /api/v1/query}), or why there is none. Nothing of the body
 * beyond a short, sanitised reason ever leaves this class: it ends up in status.
 */
public record PrometheusResponse(List<Sample> samples, String failure, boolean timedOut) {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int MAX_REASON = 160;

  public PrometheusResponse(List<Sample> samples, String failure) {
    this(samples, failure, false);
  }

  /** One series' value; {@code labels} is empty for a scalar. */
  public record Sample(Map<String, String> labels, double value, long timestampMillis) {}

  public static PrometheusResponse failed(String reason) {
    return new PrometheusResponse(List.of(), sanitise(reason));
  }

  /** No (complete) answer in time: a failure the operator's query-duration histogram tells apart. */
  public static PrometheusResponse timedOut(String reason) {
    return new PrometheusResponse(List.of(), sanitise(reason), true);
  }

  public boolean ok() {
    return failure == null;
  }

  /** The answer's {@code data} when Prometheus answered with success, else null. */
  static JsonNode data(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (Exception e) {
      return null;
    }
    return root != null && root.isObject() && "success".equals(root.path("status").asText()) ? root.path("data")
        : null;
  }

  /** Why the answer is no success (the API's own error when it gives one), or null when it is one. */
  static String notSuccess(int httpStatus, String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (Exception e) {
      root = null;
    }
    if (root == null || !root.isObject() || !root.has("status")) {
      return "malformed response (HTTP " + httpStatus + ")";
    }
    if (!"success".equals(root.path("status").asText())) {
      return "Prometheus answered HTTP " + httpStatus + ": " + root.path("errorType").asText("error") + ": "
          + root.path("error").asText("");
    }
    return httpStatus / 100 != 2 ? "Prometheus answered HTTP " + httpStatus : null;
  }

  public static PrometheusResponse parse(int httpStatus, String body) {
    String problem = notSuccess(httpStatus, body);
    if (problem != null) {
      return failed(problem);
    }
    JsonNode data = data(body);
    String type = data.path("resultType").asText();
    JsonNode result = data.path("result");
    try {
      switch (type) {
        case "vector":
          List<Sample> samples = new ArrayList<>();
          for (JsonNode series : result) {
            samples.add(sample(labels(series.path("metric")), series.path("value")));
          }
          return new PrometheusResponse(samples, null);
        case "scalar":
          return new PrometheusResponse(List.of(sample(Map.of(), result)), null);
        default:
          return failed("unexpected result type '" + type + "': the query must give an instant vector or a scalar");
      }
    } catch (IllegalArgumentException e) {
      return failed("malformed response: " + e.getMessage());
    }
  }

  static Map<String, String> labels(JsonNode metric) {
    Map<String, String> labels = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = metric.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      labels.put(e.getKey(), e.getValue().asText());
    }
    return labels;
  }

  /** {@code [<unix seconds>, "<value>"]}; Prometheus writes NaN and +Inf/-Inf as strings. */
  static Sample sample(Map<String, String> labels, JsonNode pair) {
    if (!pair.isArray() || pair.size() != 2) {
      throw new IllegalArgumentException("a sample is not [time, value]");
    }
    long at = Math.round(pair.get(0).asDouble() * 1000);
    String v = pair.get(1).asText();
    double value;
    switch (v) {
      case "NaN": value = Double.NaN; break;
      case "+Inf":
      case "Inf": value = Double.POSITIVE_INFINITY; break;
      case "-Inf": value = Double.NEGATIVE_INFINITY; break;
      default:
        try {
          value = Double.parseDouble(v);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("'" + sanitise(v) + "' is not a number");
        }
    }
    return new Sample(labels, value, at);
  }

  /** One short printable line: what may reach status and logs of a response. */
  static String sanitise(String text) {
    String s = text == null ? "" : text.replaceAll("[\\p{Cntrl}]+", " ").trim();
    return s.length() > MAX_REASON ? s.substring(0, MAX_REASON - 3) + "..." : s;
  }
}
