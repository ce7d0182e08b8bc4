package io.rollbackguard.promql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** model.ParseDuration's syntax and range: what Prometheus accepts in a query and in its flags. */
class PrometheusDurationTest {
  @ParameterizedTest
  @CsvSource({"0, 0", "0s, 0", "5m, 300000", "1h30m, 5400000", "90s, 90000", "1500ms, 1500", "1w, 604800000",
      "1y, 31536000000", "1y2w3d4h5m6s7ms, 33019506007", "292y24w3d23h47m16s854ms, 9223372036854"})
  void prometheusAcceptsThese(String text, long millis) throws Exception {
    assertThat(PrometheusDuration.parseMillis(text)).isEqualTo(millis);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1.5m", "30s1m", "1m1m", "5", "5M", "1h 30m", "-5m", "1d1y", "5us"})
  void prometheusRefusesTheseSyntaxes(String text) {
    assertThatThrownBy(() -> PrometheusDuration.parseMillis(text))
        .isInstanceOf(PrometheusDuration.InvalidDurationException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"292y24w3d23h47m16s855ms", "293y", "99999999999999999999999s"})
  void longerThanInt64NanosecondsIsOutOfRange(String text) {
    assertThatThrownBy(() -> PrometheusDuration.parseMillis(text))
        .hasMessage("'" + text + "' is out of range: Prometheus durations are at most 292y24w3d23h47m16s854ms"
            + " (about 292 years)");
  }

  @Test
  void formattingIsPrometheusOwn() {
    assertThat(PrometheusDuration.format(5_400_000)).isEqualTo("1h30m");
    assertThat(PrometheusDuration.format(0)).isEqualTo("0s");
    assertThat(PrometheusDuration.format(PrometheusDuration.MAX_MILLIS)).isEqualTo("292y24w3d23h47m16s854ms");
  }
}
