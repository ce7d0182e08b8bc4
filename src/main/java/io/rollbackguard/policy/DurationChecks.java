package io.rollbackguard.policy;

import io.rollbackguard.api.spec.Durations;
import io.rollbackguard.policy.PolicyCompiler.Problems;
import io.rollbackguard.promql.PrometheusDuration;
import io.rollbackguard.verdict.DurationFormat;
import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two duration syntaxes of a policy. Its own timing uses the API's: the CRD's pattern, read as Go's
 * {@code time.ParseDuration} reads it (what Kubernetes CEL's {@code duration()} reads), at most int64 nanoseconds.
 * What is substituted into queries ({{window}}) must also be a Prometheus duration.
 */
final class DurationChecks {
  private static final Pattern API = Pattern.compile(Durations.PATTERN);
  private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ns|us|µs|ms|s|m|h)");
  /** Go's time.Duration: int64 nanoseconds, 2562047h47m16.854775807s. */
  private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final String TOO_LONG = " is out of range: a duration is at most 2562047h47m16s (about 292 years)";

  private DurationChecks() {}

  /** The duration in milliseconds, {@code fallback} when absent, -1 (and a problem) when it is not one. */
  static long api(String path, String text, long fallback, Problems problems) {
    if (text == null) {
      return fallback;
    }
    String problem = apiProblem(text);
    if (problem != null) {
      problems.add(path, problem);
      return -1;
    }
    return DurationFormat.parseMillis(text);
  }

  /** Why {@code text} is not a duration of the API, or null. */
  static String apiProblem(String text) {
    if (!API.matcher(text).matches()) {
      return "'" + text + "' is not a duration (use e.g. 30s, 1m30s, 1500ms)";
    }
    return outOfRange(text) ? "'" + text + "'" + TOO_LONG : null;
  }

  /** Whether {@code text} is in the API's syntax and longer than Go's durations can be. */
  static boolean outOfRange(String text) {
    if (!API.matcher(text).matches()) {
      return false;
    }
    BigDecimal nanos = BigDecimal.ZERO;
    Matcher m = PART.matcher(text);
    while (m.find()) {
      nanos = nanos.add(new BigDecimal(m.group(1)).multiply(unitNanos(m.group(2))));
    }
    return nanos.compareTo(MAX_NANOS) > 0;
  }

  private static BigDecimal unitNanos(String unit) {
    return BigDecimal.valueOf(switch (unit) {
      case "ns" -> 1L;
      case "us", "µs" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      default -> 3_600_000_000_000L;
    });
  }

  /**
   * A duration that is substituted into queries: the CRD's pattern and Prometheus must both accept it, so whole
   * numbers of h, m, s and ms, largest first, longer than 0. Whether it is one; a problem is reported when not.
   */
  static boolean prometheus(String path, String text, Problems problems) {
    String usage = " cannot be substituted into a query: use whole numbers of h, m, s and ms, largest first"
        + " (e.g. 1m, 90s, 1h30m)";
    if (!API.matcher(text).matches()) {
      problems.add(path, "'" + text + "'" + usage);
      return false;
    }
    try {
      if (PrometheusDuration.parseMillis(text) == 0) {
        problems.add(path, "must be longer than 0s");
        return false;
      }
      return true;
    } catch (PrometheusDuration.InvalidDurationException e) {
      problems.add(path, e.getMessage().contains("out of range") ? e.getMessage() : "'" + text + "'" + usage);
      return false;
    }
  }
}
