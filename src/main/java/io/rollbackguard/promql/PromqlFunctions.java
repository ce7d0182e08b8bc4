package io.rollbackguard.promql;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The functions of PromQL with their argument types, as Prometheus lists them (promql/parser/functions.go, 3.x),
 * plus {@code holt_winters}, which Prometheus 2 has and 3.0 renamed to {@code double_exponential_smoothing}.
 * Experimental functions are known, so that a query using one gets a warning, not a refusal: Prometheus runs them
 * only with {@code --enable-feature=promql-experimental-functions}.
 */
final class PromqlFunctions {
  /**
   * @param args the argument types, in order
   * @param variadic 0: exactly {@code args}; n &gt; 0: the last argument is optional and may repeat up to n times
   *     in all; -1: the last argument may repeat without limit (Prometheus' {@code Variadic})
   */
  record Function(String name, List<ValueType> args, int variadic, ValueType returns, boolean experimental) {
    int minArgs() {
      return variadic == 0 ? args.size() : args.size() - 1;
    }

    /** The most arguments, or -1 for no limit. */
    int maxArgs() {
      return variadic == 0 ? args.size() : variadic < 0 ? -1 : args.size() - 1 + variadic;
    }

    ValueType argType(int i) {
      return args.get(Math.min(i, args.size() - 1));
    }
  }

  private static final Map<String, Function> ALL = new TreeMap<>();

  static {
    for (String name : List.of("abs", "absent", "acos", "acosh", "asin", "asinh", "atan", "atanh", "ceil", "cos",
        "cosh", "deg", "exp", "floor", "histogram_avg", "histogram_count", "histogram_sum", "histogram_stddev",
        "histogram_stdvar", "ln", "log10", "log2", "rad", "sgn", "sin", "sinh", "sort", "sort_desc", "sqrt", "tan",
        "tanh", "timestamp")) {
      add(name, "v", 0, false);
    }
    for (String name : List.of("absent_over_time", "avg_over_time", "changes", "count_over_time", "delta", "deriv",
        "idelta", "increase", "irate", "last_over_time", "max_over_time", "min_over_time", "present_over_time",
        "rate", "resets", "stddev_over_time", "stdvar_over_time", "sum_over_time")) {
      add(name, "m", 0, false);
    }
    for (String name : List.of("first_over_time", "mad_over_time", "ts_of_first_over_time", "ts_of_max_over_time",
        "ts_of_min_over_time", "ts_of_last_over_time")) {
      add(name, "m", 0, true);
    }
    for (String name : List.of("days_in_month", "day_of_month", "day_of_week", "day_of_year", "hour", "minute",
        "month", "year")) {
      add(name, "v", 1, false);
    }
    add("clamp", "vss", 0, false);
    add("clamp_max", "vs", 0, false);
    add("clamp_min", "vs", 0, false);
    add("histogram_fraction", "ssv", 0, false);
    add("histogram_quantile", "sv", 0, false);
    add("histogram_quantiles", "vtss", 9, true);
    add("double_exponential_smoothing", "mss", 0, true);
    add("holt_winters", "mss", 0, false);
    add("info", "vv", 1, true);
    add("integral", "ms", 1, true);
    add("label_replace", "vtttt", 0, false);
    add("label_join", "vttt", -1, false);
    add("predict_linear", "ms", 0, false);
    add("quantile_over_time", "sm", 0, false);
    add("round", "vs", 1, false);
    add("sort_by_label", "vt", -1, true);
    add("sort_by_label_desc", "vt", -1, true);
    add("vector", "s", 0, false);
    ALL.put("scalar", new Function("scalar", List.of(ValueType.VECTOR), 0, ValueType.SCALAR, false));
    ALL.put("time", new Function("time", List.of(), 0, ValueType.SCALAR, false));
    ALL.put("pi", new Function("pi", List.of(), 0, ValueType.SCALAR, false));
    ALL.put("range", new Function("range", List.of(), 0, ValueType.SCALAR, true));
    ALL.put("step", new Function("step", List.of(), 0, ValueType.SCALAR, true));
  }

  private PromqlFunctions() {}

  /** The function named {@code name} (case-sensitive, as in Prometheus), or null. */
  static Function find(String name) {
    return ALL.get(name);
  }

  /** The known name closest to {@code name} by edit distance, when it is a likely typo; else null. */
  static String closest(String name) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String known : ALL.keySet()) {
      int d = distance(name.toLowerCase(java.util.Locale.ROOT), known);
      if (d < bestDistance) {
        best = known;
        bestDistance = d;
      }
    }
    return bestDistance <= 2 ? best : null;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** {@code types}: one letter per argument, v instant vector, m range vector, s scalar, t string (text). */
  private static void add(String name, String types, int variadic, boolean experimental) {
    List<ValueType> args = types.chars().mapToObj(c -> switch (c) {
      case 'v' -> ValueType.VECTOR;
      case 'm' -> ValueType.MATRIX;
      case 's' -> ValueType.SCALAR;
      default -> ValueType.STRING;
    }).toList();
    ALL.put(name, new Function(name, args, variadic, ValueType.VECTOR, experimental));
  }
}
