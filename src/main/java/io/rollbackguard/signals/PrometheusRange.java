package io.rollbackguard.signals;

import com.fasterxml.jackson.databind.JsonNode;
import io.rollbackguard.signals.PrometheusResponse.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An answer of Prometheus's range-query API ({@code /api/v1/query_range}): a matrix, each series' points oldest
 * first; or why there is none. As with {@link PrometheusResponse}, only a short sanitised reason leaves this class.
 */
public record PrometheusRange(List<Series> series, String failure) {

  /** One series: its labels and its points ({@code timestampMillis}, value). */
  public record Series(Map<String, String> labels, List<Sample> points) {}

  public PrometheusRange {
    series = series == null ? List.of() : List.copyOf(series);
  }

  public static PrometheusRange failed(PrometheusResponse failure) {
    return new PrometheusRange(List.of(), failure.failure());
  }

  public boolean ok() {
    return failure == null;
  }

  public static PrometheusRange parse(int httpStatus, String body) {
    String problem = PrometheusResponse.notSuccess(httpStatus, body);
    if (problem != null) {
      return new PrometheusRange(List.of(), PrometheusResponse.sanitise(problem));
    }
    JsonNode data = PrometheusResponse.data(body);
    String type = data.path("resultType").asText();
    if (!"matrix".equals(type)) {
      return new PrometheusRange(List.of(), PrometheusResponse.sanitise("unexpected result type '" + type
          + "': a range query gives a matrix"));
    }
    List<Series> out = new ArrayList<>();
    try {
      for (JsonNode s : data.path("result")) {
        Map<String, String> labels = PrometheusResponse.labels(s.path("metric"));
        List<Sample> points = new ArrayList<>();
        for (JsonNode pair : s.path("values")) {
          points.add(PrometheusResponse.sample(labels, pair));
        }
        out.add(new Series(labels, points));
      }
    } catch (IllegalArgumentException e) {
      return new PrometheusRange(List.of(), PrometheusResponse.sanitise("malformed response: " + e.getMessage()));
    }
    return new PrometheusRange(out, null);
  }
}
