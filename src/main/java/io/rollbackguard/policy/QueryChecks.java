package io.rollbackguard.policy;

import io.rollbackguard.api.spec.SignalsSpec;
import io.rollbackguard.policy.PolicyCompiler.Problems;
import io.rollbackguard.promql.PromqlException;
import io.rollbackguard.promql.PromqlParser;
import io.rollbackguard.promql.ValueType;
import io.rollbackguard.signals.DefaultQueries;
import io.rollbackguard.signals.QueryTemplate;
import io.rollbackguard.verdict.Signals;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks every signal's query template, the policy's own or the default, so that a bad one is caught before it runs:
 * the placeholders where they stand, then the query Prometheus would receive, parsed as PromQL. Sample values fill
 * the placeholders, the policy's own rateWindow {{window}}; a pod-template hash is tried starting with a digit and
 * with a letter, since real ones do both and PromQL reads them differently outside quotes.
 */
final class QueryChecks {
  static final String DEFAULT_RATE_WINDOW = "1m";
  static final String DEFAULT_GROUP_BY = "deployment";
  private static final List<String> SAMPLE_DEPLOYMENTS = List.of("checkout", "cart");
  private static final List<String> SAMPLE_HASHES = List.of("5d4f8c7b9f", "c5d4f8b79f");

  private QueryChecks() {}

  static String rateWindow(SignalsSpec s) {
    return s == null || s.rateWindow == null ? DEFAULT_RATE_WINDOW : s.rateWindow;
  }

  static String groupBy(SignalsSpec s) {
    return s == null || s.groupBy == null ? DEFAULT_GROUP_BY : s.groupBy;
  }

  static Map<String, QueryTemplate> templates(SignalsSpec s, Map<String, String> operatorDefaults,
      Problems problems, List<PolicyProblem> warnings) {
    String window = rateWindow(s);
    if (!DurationChecks.prometheus("spec.signals.rateWindow", window, problems)) {
      window = DEFAULT_RATE_WINDOW; // reported once, at its field; the queries are checked with the default
    }
    Map<String, QueryTemplate> out = new HashMap<>();
    Checker checker = new Checker(out, window, problems, warnings);
    String groupBy = groupBy(s);
    builtIn(checker, Signals.ERROR_RATE, s == null ? null : s.errorRate, groupBy, operatorDefaults);
    builtIn(checker, Signals.LATENCY_P95, s == null ? null : s.latencyP95, groupBy, operatorDefaults);
    builtIn(checker, Signals.REQUEST_RATE, s == null ? null : s.requestRate, groupBy, operatorDefaults);
    if (s != null && s.custom != null) {
      for (int i = 0; i < s.custom.size(); i++) {
        SignalsSpec.CustomSignalSpec c = s.custom.get(i);
        if (c != null && c.name != null && c.query != null && !c.query.isBlank()) {
          checker.check(c.name, c.query, "spec.signals.custom[" + i + "].query");
        }
      }
    }
    return out;
  }

  /** Why an operator-wide default query (run --default-query) cannot be used, or null. */
  static String operatorDefaultProblem(String query) {
    Problems problems = new Problems();
    new Checker(new HashMap<>(), DEFAULT_RATE_WINDOW, problems, new ArrayList<>()).check("", query, "");
    return problems.list.isEmpty() ? null : problems.list.get(0).message();
  }

  private static void builtIn(Checker checker, String signal, SignalsSpec.QuerySpec spec, String groupBy,
      Map<String, String> operatorDefaults) {
    if (spec != null) {
      checker.check(signal, spec.query, "spec.signals." + signal + ".query");
    } else if (operatorDefaults.containsKey(signal)) {
      checker.check(signal, operatorDefaults.get(signal), "spec.signals." + signal + " (operator default query)");
    } else if (groupBy.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
      checker.check(signal, DefaultQueries.of(signal, groupBy), "spec.signals." + signal + " (default query)");
    }
  }

  /** Checks templates with the policy's window, keeping the valid ones in {@code out}. */
  private record Checker(Map<String, QueryTemplate> out, String window, Problems problems,
      List<PolicyProblem> warnings) {
    void check(String signal, String query, String path) {
      QueryTemplate template;
      try {
        template = QueryTemplate.parse(query);
      } catch (QueryTemplate.TemplateException e) {
        problems.add(path, e.getMessage());
        return;
      }
      for (String hash : SAMPLE_HASHES) {
        String problem = promqlProblem(template, hash, hash.equals(SAMPLE_HASHES.get(0)) ? path : null);
        if (problem != null) {
          problems.add(path, problem);
          return;
        }
      }
      out.put(signal, template);
    }

    /** Why Prometheus would refuse the query, or null; warns at {@code warnAt} (when not null) of what it may. */
    private String promqlProblem(QueryTemplate template, String hash, String warnAt) {
      Map<String, String> values = Map.of(QueryTemplate.NAMESPACE, "shop", QueryTemplate.DEPLOYMENT, "checkout",
          QueryTemplate.WINDOW, window, QueryTemplate.REVISION, "7", QueryTemplate.POD_TEMPLATE_HASH, hash);
      QueryTemplate.Rendered rendered;
      try {
        rendered = template.renderTraced(values, SAMPLE_DEPLOYMENTS);
      } catch (QueryTemplate.TemplateException e) {
        return e.getMessage();
      }
      try {
        PromqlParser.Result result = parsed(rendered.query());
        if (result.type() == ValueType.MATRIX || result.type() == ValueType.STRING) {
          return "the query gives " + result.type().described() + "; a signal needs an instant vector or a scalar"
              + (result.type() == ValueType.MATRIX ? ": turn it into one with a function such as rate()" : "");
        }
        if (warnAt != null) {
          result.experimental().forEach(f -> warnings.add(new PolicyProblem(warnAt, "uses the experimental function "
              + f + ": Prometheus runs it only with --enable-feature=promql-experimental-functions")));
        }
        return null;
      } catch (PromqlException e) {
        return "not PromQL at " + position(template.text(), rendered.templateOffset(e.start())) + ": "
            + e.getMessage() + hint(rendered.filledAt(e.start()), e.getMessage());
      }
    }
  }

  /**
   * Parsed queries by their text, the last 1,024: most policies use the default queries, so a fleet's policies (or a
   * file of 10,000) check the same few texts over and over; this makes that work, and its garbage, once per text.
   */
  private static final Map<String, Object> PARSED = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
          return size() > 1_024;
        }
      });

  private static PromqlParser.Result parsed(String query) throws PromqlException {
    Object known = PARSED.get(query);
    if (known == null) {
      try {
        known = PromqlParser.parse(query);
      } catch (PromqlException e) {
        known = e;
      }
      PARSED.put(query, known);
    }
    if (known instanceof PromqlException e) {
      throw e;
    }
    return (PromqlParser.Result) known;
  }

  /** What a message says of a placeholder whose value is where the query went wrong. */
  private static String hint(QueryTemplate.Rendered.Filled filled, String message) {
    if (filled == null) {
      return "";
    }
    String placeholder = "{{" + filled.placeholder() + "}}";
    if (message.startsWith("expected a string")) {
      return " (quote " + placeholder + ": \"" + placeholder + "\")";
    }
    return " (there " + placeholder + " was filled with the sample value '" + filled.value() + "')";
  }

  /** "column 18", or "line 2, column 5" in a template of several lines. */
  static String position(String text, int offset) {
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < offset && i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    String column = "column " + (offset - lineStart + 1);
    return text.indexOf('\n') < 0 ? column : "line " + line + ", " + column;
  }
}
