package io.rollbackguard.policy;

import io.rollbackguard.api.spec.SignalsSpec;
import io.rollbackguard.policy.PolicyCompiler.Problems;
import io.rollbackguard.signals.DefaultQueries;
import io.rollbackguard.signals.QueryTemplate;
import io.rollbackguard.verdict.Signals;
import java.util.HashMap;
import java.util.Map;

/** Parses every signal's query template, the policy's own or the default, so a bad one is caught before it runs. */
final class QueryChecks {
  static final String DEFAULT_RATE_WINDOW = "1m";
  static final String DEFAULT_GROUP_BY = "deployment";

  private QueryChecks() {}

  static String rateWindow(SignalsSpec s) {
    return s == null || s.rateWindow == null ? DEFAULT_RATE_WINDOW : s.rateWindow;
  }

  static String groupBy(SignalsSpec s) {
    return s == null || s.groupBy == null ? DEFAULT_GROUP_BY : s.groupBy;
  }

  static Map<String, QueryTemplate> templates(SignalsSpec s, Map<String, String> operatorDefaults,
      Problems problems) {
    String window = rateWindow(s);
    if (!window.matches("([0-9]+(ms|s|m|h|d|w|y))+")) {
      problems.add("spec.signals.rateWindow", "'" + window + "' is not a PromQL duration (use e.g. 1m, 30s, 1m30s)");
    }
    Map<String, QueryTemplate> out = new HashMap<>();
    String groupBy = groupBy(s);
    builtIn(out, Signals.ERROR_RATE, s == null ? null : s.errorRate, groupBy, operatorDefaults, problems);
    builtIn(out, Signals.LATENCY_P95, s == null ? null : s.latencyP95, groupBy, operatorDefaults, problems);
    builtIn(out, Signals.REQUEST_RATE, s == null ? null : s.requestRate, groupBy, operatorDefaults, problems);
    if (s != null && s.custom != null) {
      for (int i = 0; i < s.custom.size(); i++) {
        SignalsSpec.CustomSignalSpec c = s.custom.get(i);
        if (c != null && c.name != null && c.query != null && !c.query.isBlank()) {
          parse(out, c.name, c.query, "spec.signals.custom[" + i + "].query", problems);
        }
      }
    }
    return out;
  }

  private static void builtIn(Map<String, QueryTemplate> out, String signal, SignalsSpec.QuerySpec spec,
      String groupBy, Map<String, String> operatorDefaults, Problems problems) {
    if (spec != null) {
      parse(out, signal, spec.query, "spec.signals." + signal + ".query", problems);
    } else if (operatorDefaults.containsKey(signal)) {
      parse(out, signal, operatorDefaults.get(signal), "spec.signals." + signal + " (operator default query)",
          problems);
    } else if (groupBy.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
      parse(out, signal, DefaultQueries.of(signal, groupBy), "spec.signals." + signal + " (default query)", problems);
    }
  }

  private static void parse(Map<String, QueryTemplate> out, String signal, String query, String path,
      Problems problems) {
    try {
      out.put(signal, QueryTemplate.parse(query));
    } catch (QueryTemplate.TemplateException e) {
      problems.add(path, e.getMessage());
    }
  }
}
