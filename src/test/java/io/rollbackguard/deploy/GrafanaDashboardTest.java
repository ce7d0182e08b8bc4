package io.rollbackguard.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rollbackguard.operator.OperatorMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The post-deployment dashboard: its variables and panels, every PromQL expression it sends valid for promtool (with
 * the variables set to sample values), and every rollback-guard series it reads one the operator exports.
 */
class GrafanaDashboardTest {
  static final Path DASHBOARD = Path.of("deploy/grafana/rollback-guard-dashboard.json");
  static final Path PROMTOOL = Path.of("/usr/bin/promtool");
  /** What Grafana substitutes, with sample values; longest names first so $__rate_interval is not read as $__r... */
  static final Map<String, String> VARIABLES = new LinkedHashMap<>();

  static {
    VARIABLES.put("$__rate_interval", "5m");
    VARIABLES.put("$__interval_ms", "60000");
    VARIABLES.put("$__interval", "1m");
    VARIABLES.put("$__range", "1h");
    VARIABLES.put("${namespace}", "shop");
    VARIABLES.put("${deployment}", "checkout");
    VARIABLES.put("$namespace", "shop");
    VARIABLES.put("$deployment", "checkout");
  }

  @TempDir Path dir;

  static JsonNode dashboard() throws IOException {
    return new ObjectMapper().readTree(DASHBOARD.toFile());
  }

  /** Every panel, rows' nested panels included. */
  static List<JsonNode> panels(JsonNode d) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode p : d.path("panels")) {
      out.add(p);
      p.path("panels").forEach(out::add);
    }
    return out;
  }

  /** Every PromQL expression Grafana sends: panel targets, annotations, and the selectors of label_values(). */
  static List<String> expressions(JsonNode d) {
    List<String> out = new ArrayList<>();
    for (JsonNode p : panels(d)) {
      p.path("targets").forEach(t -> out.add(t.path("expr").asText()));
    }
    for (JsonNode a : d.path("annotations").path("list")) {
      if (a.has("expr")) {
        out.add(a.path("expr").asText());
      }
    }
    Pattern labelValues = Pattern.compile("^label_values\\((.*),\\s*[a-zA-Z_]+\\)$");
    for (JsonNode v : d.path("templating").path("list")) {
      if ("query".equals(v.path("type").asText())) {
        Matcher m = labelValues.matcher(v.path("query").path("query").asText(v.path("query").asText()));
        assertThat(m.matches()).as("variable %s is a label_values() query", v.path("name").asText()).isTrue();
        out.add(m.group(1));
      }
    }
    return out;
  }

  static String substitute(String expr) {
    String s = expr;
    for (Map.Entry<String, String> e : VARIABLES.entrySet()) {
      s = s.replace(e.getKey(), e.getValue());
    }
    return s;
  }

  @Test
  void theDashboardChoosesADataSourceANamespaceAndADeployment() throws IOException {
    JsonNode d = dashboard();
    assertThat(d.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
    Map<String, JsonNode> vars = new LinkedHashMap<>();
    d.path("templating").path("list").forEach(v -> vars.put(v.path("name").asText(), v));
    assertThat(vars).containsOnlyKeys("datasource", "namespace", "deployment");
    assertThat(vars.get("datasource").path("type").asText()).isEqualTo("datasource");
    assertThat(vars.get("datasource").path("query").asText()).isEqualTo("prometheus");
    assertThat(vars.get("namespace").path("query").path("query").asText()).startsWith("label_values(");
    assertThat(vars.get("deployment").path("query").path("query").asText()).startsWith("label_values(")
        .contains("namespace=\"$namespace\"");
    // every query goes to the chosen data source
    for (JsonNode p : panels(d)) {
      if (!"row".equals(p.path("type").asText())) {
        assertThat(p.path("datasource").path("uid").asText()).as(p.path("title").asText()).isEqualTo("${datasource}");
        p.path("targets").forEach(t -> assertThat(t.path("datasource").path("uid").asText()).isEqualTo("${datasource}"));
      }
    }
  }

  @Test
  void itShowsTheFourPostDeploymentPanelsTheMarkersAndTheOperatorsHealth() throws IOException {
    JsonNode d = dashboard();
    List<String> titles = panels(d).stream().map(p -> p.path("title").asText()).toList();
    assertThat(titles).contains("Error rate", "p95 latency", "Throughput", "Available pods",
        "Samples missed and inconclusive", "Prometheus query latency (p95)", "Reconcile errors", "Leader");
    Map<String, String> firstExpr = new LinkedHashMap<>();
    panels(d).forEach(p -> firstExpr.put(p.path("title").asText(), p.path("targets").path(0).path("expr").asText()));
    // the operator's default query shapes, on the chosen Deployment
    assertThat(firstExpr.get("Error rate")).contains("http_requests_total{namespace=\"$namespace\","
        + "deployment=~\"$deployment\",status=~\"5..\"}", " * 0) / ");
    assertThat(firstExpr.get("p95 latency")).startsWith("histogram_quantile(0.95, sum by (deployment, le) (rate("
        + "http_request_duration_seconds_bucket{");
    assertThat(firstExpr.get("Available pods")).contains("kube_deployment_status_replicas_available");
    assertThat(firstExpr.get("Prometheus query latency (p95)")).contains(OperatorMetrics.QUERY_DURATION + "_bucket");
    List<String> annotations = new ArrayList<>();
    d.path("annotations").path("list").forEach(a -> annotations.add(a.path("expr").asText()));
    assertThat(annotations).anyMatch(e -> e.contains(OperatorMetrics.ROLLOUT_STARTED))
        .anyMatch(e -> e.contains("rollbackguard_recommendation{"));
  }

  @Test
  void everyRollbackGuardSeriesItReadsIsOneTheOperatorExportsAndTheReadmeLists() throws IOException {
    Set<String> read = new TreeSet<>();
    Matcher m = Pattern.compile("rollbackguard_[a-z_]+").matcher(String.join("\n", expressions(dashboard())));
    while (m.find()) {
      read.add(m.group().replaceAll("_(bucket|count|sum|max)$", ""));
    }
    assertThat(read).isNotEmpty();
    assertThat(OperatorMetrics.EXPORTED).containsAll(read);
    String readme = Files.readString(Path.of("README.md"));
    for (String name : OperatorMetrics.EXPORTED) {
      assertThat(readme).as("README's metrics table").contains("| `" + name + "`");
    }
  }

  @Test
  void promtoolAcceptsEveryExpressionWrappedAsARecordingRule() throws Exception {
    assumeTrue(Files.isExecutable(PROMTOOL),
        "SKIPPED: " + PROMTOOL + " is absent; install it with: apt-get install -y prometheus");
    List<String> exprs = expressions(dashboard());
    ObjectMapper json = new ObjectMapper();
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    for (int i = 0; i < exprs.size(); i++) {
      String e = substitute(exprs.get(i));
      assertThat(e).as("expression %d after substitution", i).doesNotContain("$");
      // JSON strings are YAML strings: no quoting rules of our own to get wrong
      rules.append("      - record: dashboard:expr_").append(i).append("\n        expr: ")
          .append(json.writeValueAsString(e)).append('\n');
    }
    Path file = dir.resolve("dashboard-rules.yml");
    Files.writeString(file, rules);
    Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "rules", file.toString())
        .redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("promtool check rules:\n%s\n%s", out, rules).isZero();
    assertThat(out).contains("SUCCESS: " + exprs.size() + " rules found");
  }
}
