package io.rollbackguard.verdict;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API's duration syntax, Go's (what Kubernetes CEL's {@code duration()} reads): {@code 30s}, {@code 1m30s},
 * {@code 1500ms}, {@code 1.5h}. Resolution is the millisecond.
 */
public final class DurationFormat {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  private DurationFormat() {}

  /** Milliseconds, or -1 when {@code text} is not a duration. */
  public static long parseMillis(String text) {
    if (text == null) {
      return -1;
    }
    String t = text.trim();
    if (t.equals("0")) {
      return 0;
    }
    Matcher m = PART.matcher(t);
    double total = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        return -1;
      }
      total += Double.parseDouble(m.group(1)) * unitMillis(m.group(2));
      end = m.end();
    }
    if (end == 0 || end != t.length() || total > Long.MAX_VALUE / 2) {
      return -1;
    }
    return Math.round(total);
  }

  private static double unitMillis(String unit) {
    switch (unit) {
      case "ns": return 1e-6;
      case "us":
      case "µs": return 1e-3;
      case "ms": return 1;
      case "s": return 1_000;
      case "m": return 60_000;
      default: return 3_600_000;
    }
  }

  /** The shortest text that parses back to {@code millis}: 90000 → 1m30s, 1500 → 1.5s, 250 → 250ms. */
  public static String format(long millis) {
    if (millis == 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    long rest = millis;
    if (rest < 0) {
      sb.append('-');
      rest = -rest;
    }
    if (rest < 1000) {
      return sb.append(rest).append("ms").toString();
    }
    long h = rest / 3_600_000;
    rest %= 3_600_000;
    long m = rest / 60_000;
    rest %= 60_000;
    if (h > 0) {
      sb.append(h).append('h');
    }
    if (m > 0) {
      sb.append(m).append('m');
    }
    if (rest > 0) {
      long s = rest / 1000;
      long ms = rest % 1000;
      sb.append(s);
      if (ms > 0) {
        sb.append('.').append(String.format(java.util.Locale.ROOT, "%03d", ms).replaceAll("0+$", ""));
      }
      sb.append('s');
    }
    return sb.toString();
  }
}
