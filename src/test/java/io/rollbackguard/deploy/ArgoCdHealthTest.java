package io.rollbackguard.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.RollbackPolicyStatus;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.api.status.Tier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the Argo CD health checks of {@code deploy/argocd/} with Debian's Lua 5.1 (Argo CD runs gopher-lua, a Lua
 * 5.1) on sample objects of every state. The samples are the API's own status classes, serialized as the operator
 * writes them, then turned into Lua tables: a field the scripts read under another name would show here.
 */
class ArgoCdHealthTest {
  private static final Path LUA = Path.of("/usr/bin/lua5.1");
  private static final Path VERDICT_SCRIPT = Path.of("deploy/argocd/health-rolloutverdict.lua");
  private static final Path POLICY_SCRIPT = Path.of("deploy/argocd/health-rollbackpolicy.lua");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DECIDE_BY = "2026-11-27T14:40:00Z";

  /** Case name to "status\tmessage", from one run of the harness over every case. */
  private static Map<String, String> results;

  @TempDir static Path dir;

  record Case(String name, Path script, JsonNode obj) {}

  @BeforeAll
  static void runTheHealthChecks() throws Exception {
    assumeTrue(Files.isExecutable(LUA), "SKIPPED: " + LUA + " is absent; install it with: apt-get install -y lua5.1");
    List<Case> cases = new ArrayList<>();
    verdictCases(cases);
    policyCases(cases);
    StringBuilder harness = new StringBuilder("local cases = {\n");
    for (Case c : cases) {
      harness.append("  {name = ").append(lua(c.name())).append(", script = ")
          .append(lua(c.script().toAbsolutePath().toString())).append(", obj = ").append(lua(c.obj()))
          .append("},\n");
    }
    harness.append("}\nfor _, c in ipairs(cases) do\n  obj = c.obj\n  hs = nil\n  local result = dofile(c.script)\n"
        + "  io.write(c.name, \"\\t\", tostring(result.status), \"\\t\", tostring(result.message), \"\\n\")\nend\n");
    Path file = dir.resolve("harness.lua");
    Files.writeString(file, harness);
    Process lua = new ProcessBuilder(LUA.toString(), file.toString()).redirectErrorStream(true).start();
    assertThat(lua.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = new String(lua.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(lua.exitValue()).as(out).isZero();
    results = new LinkedHashMap<>();
    for (String line : out.split("\n")) {
      String[] parts = line.split("\t", 2);
      results.put(parts[0], parts[1]);
    }
    assertThat(results.keySet()).as(out).hasSize(cases.size());
  }

  // ---------------------------------------------------------------------------------------------
  // RolloutVerdict

  private static void verdictCases(List<Case> cases) {
    cases.add(new Case("verdict-no-status", VERDICT_SCRIPT, JSON.valueToTree(verdict(null))));
    cases.add(new Case("verdict-pending", VERDICT_SCRIPT, verdictWith(Phase.Pending, Action.None, null)));
    cases.add(new Case("verdict-observing", VERDICT_SCRIPT, verdictWith(Phase.Observing, Action.None, null)));
    ObjectNodeEdit watching = new ObjectNodeEdit(verdictWith(Phase.Watching, Action.None, null));
    watching.status().put("watchUntil", "2026-11-27T16:45:00Z");
    cases.add(new Case("verdict-watching", VERDICT_SCRIPT, watching.node()));
    cases.add(new Case("verdict-stable", VERDICT_SCRIPT, verdictWith(Phase.Stable, Action.None, null)));
    cases.add(new Case("verdict-immediate", VERDICT_SCRIPT,
        verdictWith(Phase.Breached, Action.RollbackImmediate, Tier.immediate)));
    cases.add(new Case("verdict-rapid", VERDICT_SCRIPT,
        verdictWith(Phase.Breached, Action.RollbackRapid, Tier.rapid)));
    cases.add(new Case("verdict-feature-flag-rapid", VERDICT_SCRIPT,
        verdictWith(Phase.Breached, Action.DisableFeatureFlag, Tier.rapid)));
    cases.add(new Case("verdict-feature-flag-evaluate", VERDICT_SCRIPT,
        verdictWith(Phase.Breached, Action.DisableFeatureFlag, Tier.evaluate)));
    cases.add(new Case("verdict-evaluate", VERDICT_SCRIPT, verdictWith(Phase.Breached, Action.Evaluate, Tier.evaluate)));
    cases.add(new Case("verdict-inconclusive", VERDICT_SCRIPT, verdictWith(Phase.Inconclusive, Action.Evaluate, null)));
    RolloutVerdictStatus latched = status(Phase.Breached, Action.RollbackRapid, Tier.rapid);
    latched.guarded = false;
    cases.add(new Case("verdict-unguarded-latched", VERDICT_SCRIPT, JSON.valueToTree(verdict(latched))));
  }

  @Test
  void aVerdictWithoutStatusOrInItsWindowIsProgressing() {
    assertThat(results.get("verdict-no-status")).isEqualTo("Progressing\tWaiting for the operator's first verdict");
    assertThat(results.get("verdict-pending")).isEqualTo("Progressing\trevision 7: Pending until 2026-11-27T14:45:00Z");
    assertThat(results.get("verdict-observing"))
        .isEqualTo("Progressing\trevision 7: Observing until 2026-11-27T14:45:00Z");
    // watched until the watch's end, not the window's
    assertThat(results.get("verdict-watching"))
        .isEqualTo("Progressing\trevision 7: Watching until 2026-11-27T16:45:00Z");
  }

  @Test
  void aVerdictRecommendingARollbackIsDegradedWithTheReasonAndTheDeadline() {
    assertThat(results.get("verdict-immediate")).isEqualTo("Degraded\trevision 7: RollbackImmediate: error rate"
        + " 6.5% > 5% for 1m (decide by " + DECIDE_BY + ")");
    assertThat(results.get("verdict-rapid")).startsWith("Degraded\trevision 7: RollbackRapid: ");
    // The rapid tier's feature-flag advice has the rollback as its fallback; the evaluate tier's has not.
    assertThat(results.get("verdict-feature-flag-rapid")).startsWith("Degraded\trevision 7: DisableFeatureFlag: ");
    assertThat(results.get("verdict-feature-flag-evaluate")).startsWith("Healthy\t");
    assertThat(results.get("verdict-unguarded-latched")).startsWith("Degraded\t")
        .endsWith("(no policy guards it any more)");
  }

  @Test
  void aStableInconclusiveOrEvaluateVerdictIsHealthyAndSaysSo() {
    assertThat(results.get("verdict-stable")).isEqualTo("Healthy\trevision 7: Stable");
    assertThat(results.get("verdict-evaluate")).isEqualTo("Healthy\trevision 7: Breached; Evaluate: error rate 6.5%"
        + " > 5% for 1m (decide by " + DECIDE_BY + ")");
    assertThat(results.get("verdict-inconclusive")).startsWith("Healthy\trevision 7: Inconclusive; Evaluate: ");
  }

  // ---------------------------------------------------------------------------------------------
  // RollbackPolicy

  private static void policyCases(List<Case> cases) {
    cases.add(new Case("policy-no-status", POLICY_SCRIPT, JSON.valueToTree(policy(2L, null))));
    RollbackPolicyStatus old = policyStatus(1, Action.None, "all 3 stable", Map.of("Stable", 3),
        ready("True", "Enforced"), recommended("False", "None"));
    cases.add(new Case("policy-old-generation", POLICY_SCRIPT, JSON.valueToTree(policy(2L, old))));
    cases.add(new Case("policy-invalid", POLICY_SCRIPT, JSON.valueToTree(policy(2L, policyStatus(2, Action.None,
        "invalid policy: spec.tiers.rapid.errorRate.above: must be 0..1", Map.of(),
        ready("False", "InvalidPolicy"), recommended("False", "InvalidPolicy"))))));
    cases.add(new Case("policy-immediate", POLICY_SCRIPT, JSON.valueToTree(policy(2L, policyStatus(2,
        Action.RollbackImmediate, "checkout: error rate 6.5% > 5% for 1m", Map.of("Breached", 1, "Stable", 2),
        ready("True", "Enforced"), recommended("True", "RollbackImmediate"))))));
    cases.add(new Case("policy-feature-flag", POLICY_SCRIPT, JSON.valueToTree(policy(2L, policyStatus(2,
        Action.DisableFeatureFlag, "checkout: p95 latency 2.5s > 2s for 5m", Map.of("Breached", 1),
        ready("True", "Enforced"), recommended("True", "DisableFeatureFlag"))))));
    cases.add(new Case("policy-evaluate", POLICY_SCRIPT, JSON.valueToTree(policy(2L, policyStatus(2,
        Action.Evaluate, "checkout: error rate 0.2% > 0.1% for 5m", Map.of("Breached", 1),
        ready("True", "Enforced"), recommended("False", "Evaluate"))))));
    RollbackPolicyStatus suspended = policyStatus(2, Action.None, "Suspended (spec.suspend: true): no sampling, no"
        + " new recommendation", Map.of("Stable", 3), ready("True", "Enforced"), recommended("False", "None"));
    suspended.conditions.add(condition("Suspended", "True", "SpecSuspend"));
    cases.add(new Case("policy-suspended", POLICY_SCRIPT, JSON.valueToTree(policy(2L, suspended))));
    RollbackPolicyStatus suspendedLatched = policyStatus(2, Action.RollbackRapid, "Suspended (spec.suspend: true):"
        + " no sampling, no new recommendation; latched: checkout: 2 pods crash-looping", Map.of("Breached", 1),
        ready("True", "Enforced"), recommended("True", "RollbackRapid"));
    suspendedLatched.conditions.add(condition("Suspended", "True", "SpecSuspend"));
    cases.add(new Case("policy-suspended-latched", POLICY_SCRIPT, JSON.valueToTree(policy(2L, suspendedLatched))));
    cases.add(new Case("policy-observing", POLICY_SCRIPT, JSON.valueToTree(policy(2L, policyStatus(2, Action.None,
        "checkout: observing revision 7 until 2026-11-27T14:45:00Z", Map.of("Observing", 1, "Stable", 2),
        ready("True", "Enforced"), recommended("False", "None"))))));
    cases.add(new Case("policy-stable", POLICY_SCRIPT, JSON.valueToTree(policy(2L, policyStatus(2, Action.None,
        "all 3 stable", Map.of("Stable", 3), ready("True", "Enforced"), recommended("False", "None"))))));
  }

  @Test
  void aPolicyIsProgressingUntilTheOperatorObservedItsGeneration() {
    assertThat(results.get("policy-no-status")).isEqualTo("Progressing\tWaiting for the operator");
    assertThat(results.get("policy-old-generation"))
        .isEqualTo("Progressing\tWaiting for the operator to observe generation 2");
  }

  @Test
  void anInvalidPolicyOrARecommendedRollbackIsDegraded() {
    assertThat(results.get("policy-invalid"))
        .isEqualTo("Degraded\tinvalid policy: spec.tiers.rapid.errorRate.above: must be 0..1");
    assertThat(results.get("policy-immediate"))
        .isEqualTo("Degraded\tRollbackImmediate: checkout: error rate 6.5% > 5% for 1m (decide by " + DECIDE_BY + ")");
    assertThat(results.get("policy-feature-flag")).startsWith("Degraded\tDisableFeatureFlag: checkout: ");
    assertThat(results.get("policy-suspended-latched")).startsWith("Degraded\tRollbackRapid: Suspended");
  }

  @Test
  void aSuspendedPolicyIsSuspendedAnObservingOneProgressingAndOtherwiseHealthy() {
    assertThat(results.get("policy-suspended")).startsWith("Suspended\tSuspended (spec.suspend: true)");
    assertThat(results.get("policy-observing")).isEqualTo("Progressing\tcheckout: observing revision 7 until"
        + " 2026-11-27T14:45:00Z");
    assertThat(results.get("policy-stable")).isEqualTo("Healthy\tall 3 stable");
    assertThat(results.get("policy-evaluate")).isEqualTo("Healthy\tcheckout: error rate 0.2% > 0.1% for 5m");
  }

  // ---------------------------------------------------------------------------------------------
  // The README's argocd-cm snippet is the scripts, byte for byte

  @Test
  void theReadmesArgocdCmSnippetHoldsTheScriptsAsTheyAre() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    Matcher block = Pattern.compile("```yaml\n(# argocd-cm[^\n]*\n(?:(?!```)[\\s\\S])*)```").matcher(readme);
    assertThat(block.find()).as("a ```yaml block starting with '# argocd-cm' in README.md").isTrue();
    JsonNode configMap = new YAMLMapper().readTree(block.group(1));
    assertThat(configMap.path("metadata").path("name").asText()).isEqualTo("argocd-cm");
    JsonNode data = configMap.path("data");
    assertThat(data.path("resource.customizations.health.rollbackguard.io_RollbackPolicy").asText())
        .isEqualTo(Files.readString(POLICY_SCRIPT));
    assertThat(data.path("resource.customizations.health.rollbackguard.io_RolloutVerdict").asText())
        .isEqualTo(Files.readString(VERDICT_SCRIPT));
  }

  // ---------------------------------------------------------------------------------------------
  // Samples

  private static JsonNode verdictWith(Phase phase, Action action, Tier tier) {
    return JSON.valueToTree(verdict(status(phase, action, tier)));
  }

  private static RolloutVerdictStatus status(Phase phase, Action action, Tier tier) {
    RolloutVerdictStatus s = new RolloutVerdictStatus();
    s.revision = 7L;
    s.images.add("registry/checkout:v2.1.0");
    s.phase = phase;
    s.action = action;
    s.tier = tier;
    s.rolloutStartedAt = "2026-11-27T14:30:00Z";
    s.observeUntil = "2026-11-27T14:45:00Z";
    s.stableRevision = 6L;
    s.guarded = true;
    if (action != Action.None) {
      s.reason = "error rate 6.5% > 5% for 1m";
      s.decideBy = DECIDE_BY;
    } else {
      s.reason = phase == Phase.Stable ? "revision 7 passed its window" : "observing until 2026-11-27T14:45:00Z";
    }
    return s;
  }

  private static RolloutVerdict verdict(RolloutVerdictStatus status) {
    RolloutVerdict v = new RolloutVerdict();
    v.setMetadata(new ObjectMetaBuilder().withName("checkout").withNamespace("shop").withGeneration(1L)
        .addToLabels(RolloutVerdict.POLICY_LABEL, "checkout").build());
    v.setStatus(status);
    return v;
  }

  private static RollbackPolicy policy(Long generation, RollbackPolicyStatus status) {
    RollbackPolicy p = new RollbackPolicy();
    p.setMetadata(new ObjectMetaBuilder().withName("checkout").withNamespace("shop").withGeneration(generation)
        .build());
    p.setStatus(status);
    return p;
  }

  private static RollbackPolicyStatus policyStatus(long observedGeneration, Action action, String reason,
      Map<String, Integer> phases, Condition... conditions) {
    RollbackPolicyStatus s = new RollbackPolicyStatus();
    s.observedGeneration = observedGeneration;
    s.targets = phases.values().stream().mapToInt(Integer::intValue).sum();
    s.action = action.name();
    s.reason = reason;
    s.phases = new TreeMap<>(phases);
    if (action != Action.None) {
      s.decideBy = DECIDE_BY;
      s.actions.put(action.name(), 1);
    }
    s.conditions = new ArrayList<>(List.of(conditions));
    s.conditions.add(1, condition("MetricsAvailable", "True", "Available"));
    return s;
  }

  private static Condition ready(String status, String reason) {
    return condition("Ready", status, reason);
  }

  private static Condition recommended(String status, String reason) {
    return condition("RollbackRecommended", status, reason);
  }

  private static Condition condition(String type, String status, String reason) {
    return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(reason)
        .withObservedGeneration(2L).withLastTransitionTime("2026-11-27T14:30:00Z").build();
  }

  /** Edits a sample the API classes cannot express (a phase the enum does not have yet). */
  record ObjectNodeEdit(JsonNode node) {
    com.fasterxml.jackson.databind.node.ObjectNode status() {
      return (com.fasterxml.jackson.databind.node.ObjectNode) node.path("status");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // JSON to Lua

  /** A JSON value as a Lua 5.1 expression: objects and arrays as tables, null as nil (a missing field). */
  static String lua(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return "nil";
    }
    if (node.isObject()) {
      StringBuilder sb = new StringBuilder("{");
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isNull()) {
          sb.append("[").append(lua(e.getKey())).append("] = ").append(lua(e.getValue())).append(", ");
        }
      }
      return sb.append("}").toString();
    }
    if (node.isArray()) {
      StringBuilder sb = new StringBuilder("{");
      node.forEach(v -> sb.append(lua(v)).append(", "));
      return sb.append("}").toString();
    }
    if (node.isBoolean() || node.isNumber()) {
      return node.asText();
    }
    return lua(node.asText());
  }

  /** A Lua string literal: quotes, backslashes and control characters escaped (\ddd, as Lua 5.1 reads them). */
  static String lua(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c == '"' || c == '\\') {
        sb.append('\\').append((char) c);
      } else if (c < 0x20 || c == 0x7f) {
        sb.append('\\').append(String.format("%03d", c));
      } else if (c < 0x80) {
        sb.append((char) c);
      } else {
        sb.append('\\').append(c); // a UTF-8 byte, as its decimal escape
      }
    }
    return sb.append('"').toString();
  }
}
