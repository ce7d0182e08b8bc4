package io.rollbackguard.promql;

import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prometheus' duration syntax, as {@code model.ParseDuration} (prometheus/common) reads it in queries and flags:
 * whole numbers with the units y, w, d, h, m, s and ms, each at most once and largest first ({@code 1h30m}, not
 * {@code 30m1h} or {@code 1.5h}), or a bare {@code 0}. A year is 365 days. The total must fit Go's
 * {@code time.Duration}, int64 nanoseconds: about 292 years; Prometheus refuses more as "duration out of range".
 */
public final class PrometheusDuration {
  /** The longest duration Prometheus accepts, in milliseconds (Long.MAX_VALUE nanoseconds, rounded down). */
  public static final long MAX_MILLIS = Long.MAX_VALUE / 1_000_000;

  private static final Pattern SYNTAX = Pattern.compile(
      "(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?");
  private static final long[] UNIT_MILLIS = {365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000,
      1_000, 1};
  private static final String[] UNITS = {"y", "w", "d", "h", "m", "s", "ms"};

  private PrometheusDuration() {}

  /** A duration Prometheus would refuse; the message says why in the user's terms. */
  public static final class InvalidDurationException extends Exception {
    InvalidDurationException(String message) {
      super(message);
    }
  }

  /** The duration in milliseconds. */
  public static long parseMillis(String text) throws InvalidDurationException {
    if (text == null || text.isEmpty()) {
      throw new InvalidDurationException("a duration is required (e.g. 5m)");
    }
    if (text.equals("0")) {
      return 0;
    }
    Matcher m = SYNTAX.matcher(text);
    if (!m.matches()) {
      throw new InvalidDurationException("'" + text + "' is not a Prometheus duration: use whole numbers with the"
          + " units y, w, d, h, m, s and ms, largest first (e.g. 5m, 1h30m, 90s)");
    }
    BigInteger total = BigInteger.ZERO;
    for (int i = 0; i < UNIT_MILLIS.length; i++) {
      if (m.group(i + 1) != null) {
        total = total.add(new BigInteger(m.group(i + 1)).multiply(BigInteger.valueOf(UNIT_MILLIS[i])));
      }
    }
    if (total.compareTo(BigInteger.valueOf(MAX_MILLIS)) > 0) {
      throw new InvalidDurationException("'" + text + "' is out of range: Prometheus durations are at most "
          + format(MAX_MILLIS) + " (about 292 years)");
    }
    return total.longValueExact();
  }

  /** The text Prometheus itself writes for {@code millis}: 5400000 → 1h30m. */
  public static String format(long millis) {
    if (millis == 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    long rest = millis;
    for (int i = 0; i < UNIT_MILLIS.length; i++) {
      long n = rest / UNIT_MILLIS[i];
      if (n > 0) {
        sb.append(n).append(UNITS[i]);
        rest -= n * UNIT_MILLIS[i];
      }
    }
    return sb.toString();
  }
}
