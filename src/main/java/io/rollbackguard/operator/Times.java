package io.rollbackguard.operator;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Status times: RFC 3339, to the second (what kubectl shows). */
final class Times {
  private Times() {}

  static String format(Long epochMillis) {
    return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  static long parse(String text) {
    return Instant.parse(text).toEpochMilli();
  }
}
