package io.rollbackguard.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CRD's CEL rules ({@code x-kubernetes-validations}) evaluated on an object the way the API server evaluates
 * them on create and update: each rule with {@code self} bound to the value at its schema node, wherever the object
 * has one, numbers typed by the schema ({@code type: number} is a double even when written {@code 1}, as in
 * Kubernetes). A real API server rejects the object with the rule's message; the Fabric8 mock server ignores the
 * rules, so without this the rules would be checked by nothing before a user applies a policy.
 *
 * <p>The rules use standard CEL only ({@code has}, {@code in}, {@code size}, {@code duration}); Kubernetes' own
 * extension libraries (lists, strings, quantity, …) are not loaded, so a rule that needed one would fail to compile
 * here, which {@link #load} reports.
 */
final class CrdCelRules {
  /** A rule where the schema declares it: {@code path} is where it applies, e.g. {@code spec.tiers.rapid.burnRate}. */
  record Rule(String path, String expression, String message, CelRuntime.Program program) {}

  private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS).addVar("self", SimpleType.DYN)
      .setResultType(SimpleType.BOOL).build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  private final JsonNode root;
  private final List<Rule> rules = new ArrayList<>();
  /** Each schema node's rules, compiled once. */
  private final Map<JsonNode, List<Rule>> bySchema = new IdentityHashMap<>();

  private CrdCelRules(JsonNode root) {
    this.root = root;
    collect("", root);
  }

  /** Every rule of the schema, compiled; a rule that does not compile fails here, naming its path. */
  static CrdCelRules load(CrdSchema schema) {
    return new CrdCelRules(schema.openApiSchema());
  }

  List<Rule> rules() {
    return List.copyOf(rules);
  }

  /** The messages of the rules {@code object} breaks, as "path: message", in schema order. */
  List<String> violations(JsonNode object) {
    List<String> out = new ArrayList<>();
    evaluate("", object, root, out);
    return out;
  }

  private void collect(String path, JsonNode schema) {
    for (JsonNode v : schema.path("x-kubernetes-validations")) {
      String expression = v.path("rule").asText();
      try {
        CelAbstractSyntaxTree ast = COMPILER.compile(expression).getAst();
        Rule rule = new Rule(path.isEmpty() ? "(root)" : path, expression, v.path("message").asText(),
            RUNTIME.createProgram(ast));
        rules.add(rule);
        bySchema.computeIfAbsent(schema, k -> new ArrayList<>()).add(rule);
      } catch (CelValidationException | CelEvaluationException e) {
        throw new IllegalArgumentException((path.isEmpty() ? "(root)" : path) + ": rule does not compile: "
            + expression + ": " + e.getMessage(), e);
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      collect(join(path, p.getKey()), p.getValue());
    }
    if (schema.path("items").isObject()) {
      collect(path + "[]", schema.path("items"));
    }
    if (schema.path("additionalProperties").isObject()) {
      collect(path + "{}", schema.path("additionalProperties"));
    }
  }

  private void evaluate(String path, JsonNode value, JsonNode schema, List<String> out) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return;
    }
    List<Rule> here = bySchema.getOrDefault(schema, List.of());
    if (!here.isEmpty()) {
      Object self = celValue(value, schema);
      for (Rule rule : here) {
        Object result;
        try {
          result = rule.program().eval(Map.of("self", self));
        } catch (CelEvaluationException e) {
          // the API server reports an evaluation error as a rejection too
          out.add((path.isEmpty() ? "(root)" : path) + ": " + rule.message() + " (error: " + e.getMessage() + ")");
          continue;
        }
        if (!Boolean.TRUE.equals(result)) {
          out.add((path.isEmpty() ? "(root)" : path) + ": " + rule.message());
        }
      }
    }
    if (value.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        JsonNode child = schema.path("properties").path(f.getKey());
        if (child.isMissingNode() && schema.path("additionalProperties").isObject()) {
          child = schema.path("additionalProperties");
        }
        if (child.isObject()) {
          evaluate(join(path, f.getKey()), f.getValue(), child, out);
        }
      }
    } else if (value.isArray() && schema.path("items").isObject()) {
      for (int i = 0; i < value.size(); i++) {
        evaluate(path + "[" + i + "]", value.get(i), schema.path("items"), out);
      }
    }
  }

  /** The value as CEL sees it: objects as maps, arrays as lists, numbers by the schema's type. */
  private static Object celValue(JsonNode value, JsonNode schema) {
    if (value.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (f.getValue().isNull()) {
          continue; // pruned before validation (apiextensions prunenulls)
        }
        JsonNode child = schema.path("properties").path(f.getKey());
        if (child.isMissingNode()) {
          child = schema.path("additionalProperties");
        }
        map.put(f.getKey(), celValue(f.getValue(), child));
      }
      return map;
    }
    if (value.isArray()) {
      List<Object> list = new ArrayList<>();
      for (JsonNode item : value) {
        list.add(celValue(item, schema.path("items")));
      }
      return list;
    }
    if (value.isNumber()) {
      String type = schema.path("type").asText("");
      return type.equals("integer") || (type.isEmpty() && value.canConvertToExactIntegral())
          ? (Object) value.asLong() : (Object) value.asDouble();
    }
    if (value.isBoolean()) {
      return value.asBoolean();
    }
    return value.asText();
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
