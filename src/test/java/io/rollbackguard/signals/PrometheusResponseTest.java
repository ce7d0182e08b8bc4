package io.rollbackguard.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusResponseTest {
  @Test
  void aVectorGivesOneSamplePerSeriesWithLabelsAndTime() {
    PrometheusResponse r = PrometheusResponse.parse(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
        + "\"result\":[{\"metric\":{\"deployment\":\"a\"},\"value\":[1700000000.5,\"0.065\"]},"
        + "{\"metric\":{\"deployment\":\"b\"},\"value\":[1700000000.5,\"0\"]}]}}");
    assertThat(r.ok()).isTrue();
    assertThat(r.samples()).hasSize(2);
    assertThat(r.samples().get(0).labels()).isEqualTo(Map.of("deployment", "a"));
    assertThat(r.samples().get(0).value()).isEqualTo(0.065);
    assertThat(r.samples().get(0).timestampMillis()).isEqualTo(1_700_000_000_500L);
  }

  @Test
  void aScalarGivesOneUnlabelledSample() {
    PrometheusResponse r = PrometheusResponse.parse(200,
        "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1700000000,\"1\"]}}");
    assertThat(r.samples()).singleElement().satisfies(s -> {
      assertThat(s.labels()).isEmpty();
      assertThat(s.value()).isEqualTo(1.0);
    });
  }

  @Test
  void anEmptyVectorIsOkWithNoSamples() {
    PrometheusResponse r = PrometheusResponse.parse(200,
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}");
    assertThat(r.ok()).isTrue();
    assertThat(r.samples()).isEmpty();
  }

  @Test
  void nanAndInfinitiesAreRead() {
    PrometheusResponse r = PrometheusResponse.parse(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
        + "\"result\":[{\"metric\":{},\"value\":[1,\"NaN\"]},{\"metric\":{},\"value\":[1,\"+Inf\"]},"
        + "{\"metric\":{},\"value\":[1,\"-Inf\"]}]}}");
    assertThat(r.samples()).extracting(PrometheusResponse.Sample::value)
        .containsExactly(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
  }

  @Test
  void anErrorBodyGivesAShortReason() {
    PrometheusResponse r = PrometheusResponse.parse(400, "{\"status\":\"error\",\"errorType\":\"bad_data\","
        + "\"error\":\"1:5: parse error: unexpected \\\"}\\\"\\nsecond line\"}");
    assertThat(r.ok()).isFalse();
    assertThat(r.failure()).isEqualTo("Prometheus answered HTTP 400: bad_data: 1:5: parse error: unexpected \"}\" second line");
  }

  @Test
  void aLongErrorIsCut() {
    PrometheusResponse r = PrometheusResponse.parse(422, "{\"status\":\"error\",\"errorType\":\"execution\","
        + "\"error\":\"" + "x".repeat(5000) + "\"}");
    assertThat(r.failure()).hasSize(PrometheusResponse.MAX_REASON).endsWith("...");
  }

  @Test
  void malformedBodiesAndUnexpectedTypesFail() {
    assertThat(PrometheusResponse.parse(200, "<html>proxy error</html>").failure())
        .isEqualTo("malformed response (HTTP 200)");
    assertThat(PrometheusResponse.parse(502, "").failure()).isEqualTo("malformed response (HTTP 502)");
    assertThat(PrometheusResponse.parse(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\","
        + "\"result\":[]}}").failure()).contains("unexpected result type 'matrix'");
    assertThat(PrometheusResponse.parse(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
        + "\"result\":[{\"metric\":{},\"value\":[1,\"lots\"]}]}}").failure()).contains("'lots' is not a number");
  }
}
