package io.rollbackguard.verdict.burn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BurnWindowsTest {
  static final long RATE_WINDOW = 60_000;

  // max(rateWindow, min(window, age)), ages cut to whole seconds.
  @ParameterizedTest(name = "window {0} ms at age {1} ms: {2} ms")
  @CsvSource({
      "3600000, 7200000, 3600000",   // an old rollout: the whole hour
      "3600000, 600000, 600000",     // 10 minutes in: its own 10 minutes, not the revision before
      "300000, 600000, 300000",      // the short window fits already
      "3600000, 30000, 60000",       // younger than rateWindow: rateWindow
      "3600000, 0, 60000",
      "3600000, 1739800, 1739000",   // whole seconds
  })
  void windowsAreCappedAtTheRolloutsAge(long window, long age, long expected) {
    assertThat(BurnWindows.capped(window, age, RATE_WINDOW)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} ms → {1}")
  @CsvSource({"3600000, 1h", "300000, 5m", "21600000, 6h", "1739000, 1739s", "1500, 1500ms", "5400000, 90m"})
  void rangesReadAsPromqlDurations(long millis, String text) {
    assertThat(BurnWindows.promDuration(millis)).isEqualTo(text);
  }

  @ParameterizedTest(name = "{1} ms → {2}")
  @CsvSource({"errorRate, 3600000, errorRate@1h", "errorRate, 300000, errorRate@5m", "errorRate, 1800000, errorRate@30m"})
  void eachWindowIsItsOwnSignal(String signal, long window, String name) {
    assertThat(BurnWindows.signalName(signal, window)).isEqualTo(name);
  }
}
