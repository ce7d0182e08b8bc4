package io.rollbackguard.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks an object against a CRD's structural schema the way a real API server treats it. The Fabric8 mock
 * server stores whatever it is sent; a real one silently prunes the fields its schema does not know and rejects
 * wrong types, so a status field missing from the generated CRD would be lost only in production.
 *
 * <p>Checked: {@code type} (an integral number is an integer, as in kube-openapi, even written {@code 2.0}),
 * {@code properties} (unknown keys are pruned unless {@code x-kubernetes-preserve-unknown-fields} or
 * {@code additionalProperties} keeps them), {@code additionalProperties} (true, or a schema for every value),
 * {@code items}, {@code enum}, {@code x-kubernetes-int-or-string}, {@code required}, {@code nullable},
 * {@code pattern}, {@code minLength}/{@code maxLength} (in code points, as Go counts runes),
 * {@code minItems}/{@code maxItems}, {@code minimum}/{@code maximum} (and their boolean exclusive forms).
 *
 * <p>Nulls follow the API server (apiextensions defaulting/prunenulls.go): a null object property or map value
 * whose schema is not {@code nullable} is pruned, not rejected, so it is a violation only when that property is
 * {@code required}; a null array item is validated, and rejected by a typed, non-nullable item schema. (Fabric8's
 * generator emits {@code nullable: true} only for {@code @Nullable} fields, and the api classes' {@code @JsonInclude}
 * drops nulls before they are sent, so a null mostly comes from a hand-built JsonNode.)
 *
 * <p>Not checked: top-level {@code metadata} beyond being an object (the API server handles ObjectMeta itself;
 * likewise inside {@code x-kubernetes-embedded-resource}, where {@code apiVersion}/{@code kind} are allowed too),
 * {@code format} (e.g. date-time), CEL {@code x-kubernetes-validations} ({@link CrdCelRules} evaluates those),
 * {@code default} (a defaulted null is
 * accepted), {@code x-kubernetes-list-type}/{@code -map-keys} uniqueness, {@code multipleOf},
 * {@code min/maxProperties}, {@code allOf}/{@code anyOf}/{@code oneOf}/{@code not}. Patterns are compiled by
 * Java, not RE2: fine for the simple patterns the generator emits.
 */
public final class CrdSchema {
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();
  // What a Fabric8 client sends: its own mapper, with the model's modules and @JsonInclude rules.
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

  private final JsonNode root;

  private CrdSchema(JsonNode root) {
    this.root = root;
  }

  /** The openAPIV3Schema of version {@value RollbackPolicy#VERSION} of the CRD in {@code crdYaml}. */
  public static CrdSchema load(Path crdYaml) {
    return load(crdYaml, RollbackPolicy.VERSION);
  }

  public static CrdSchema load(Path crdYaml, String version) {
    JsonNode crd;
    try {
      crd = YAML.readTree(crdYaml.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (version.equals(v.path("name").asText())) {
        JsonNode schema = v.path("schema").path("openAPIV3Schema");
        if (!schema.isObject()) {
          throw new IllegalArgumentException(crdYaml + ": version " + version + " has no schema.openAPIV3Schema");
        }
        return new CrdSchema(schema);
      }
    }
    throw new IllegalArgumentException(crdYaml + ": no version " + version);
  }

  /** The openAPIV3Schema itself (for {@link CrdCelRules}). */
  JsonNode openApiSchema() {
    return root;
  }

  /** Violations of a resource, serialized as a Fabric8 client would send it. */
  public List<String> violations(Object resource) {
    if (resource instanceof JsonNode node) {
      return violations(node);
    }
    try {
      return violations(JSON.readTree(SERIALIZATION.asJson(resource)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Violations of a whole object (apiVersion, kind, metadata, spec, status), one line each with its path. */
  public List<String> violations(JsonNode object) {
    List<String> out = new ArrayList<>();
    if (!object.isObject()) {
      out.add("(root): expected object, got " + typeOf(object));
    } else {
      checkObject("", object, root, true, out);
    }
    return out;
  }

  public void assertFits(Object resource) {
    List<String> found = violations(resource);
    if (!found.isEmpty()) {
      throw new AssertionError("does not fit the CRD schema (" + found.size() + " violation(s)):\n  "
          + String.join("\n  ", found));
    }
  }

  private static void check(String path, JsonNode value, JsonNode schema, List<String> out) {
    boolean intOrString = schema.path("x-kubernetes-int-or-string").asBoolean(false);
    String type = schema.path("type").asText("");
    if (value.isNull()) {
      // An untyped schema (preserve-unknown-fields alone) accepts anything, null included.
      if ((intOrString || !type.isEmpty()) && !schema.path("nullable").asBoolean(false)) {
        out.add(path + ": expected " + (intOrString ? "integer or string" : type) + ", got null");
      }
      return;
    }
    if (intOrString && !(value.isTextual() || isInteger(value))) {
      out.add(path + ": expected integer or string, got " + typeOf(value));
      return;
    }
    if (!intOrString && !type.isEmpty() && !hasType(value, type)) {
      out.add(path + ": expected " + type + ", got " + typeOf(value));
      return; // what is inside a value of the wrong type means nothing
    }
    JsonNode allowed = schema.get("enum");
    if (allowed != null && !contains(allowed, value)) {
      List<String> names = new ArrayList<>();
      allowed.forEach(e -> names.add(e.isTextual() ? e.textValue() : e.toString()));
      out.add(path + ": " + show(value) + " is not one of " + names);
    }
    if (value.isTextual()) {
      String s = value.textValue();
      int length = s.codePointCount(0, s.length());
      bound(path, "length " + length, length, schema, "minLength", false, out);
      bound(path, "length " + length, length, schema, "maxLength", true, out);
      // JSON Schema patterns are unanchored: find, not matches.
      if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(s).find()) {
        out.add(path + ": " + show(value) + " does not match pattern " + schema.get("pattern").asText());
      }
    }
    if (value.isNumber()) {
      bound(path, value.toString(), value.doubleValue(), schema, "minimum", false, out);
      bound(path, value.toString(), value.doubleValue(), schema, "maximum", true, out);
    }
    if (value.isArray()) {
      bound(path, value.size() + " items", value.size(), schema, "minItems", false, out);
      bound(path, value.size() + " items", value.size(), schema, "maxItems", true, out);
      JsonNode items = schema.get("items");
      for (int i = 0; items != null && i < value.size(); i++) {
        check(path + "[" + i + "]", value.get(i), items, out);
      }
    }
    if (value.isObject()) {
      checkObject(path, value, schema, false, out);
    }
  }

  private static void checkObject(String path, JsonNode object, JsonNode schema, boolean top, List<String> out) {
    JsonNode additional = schema.get("additionalProperties"); // absent, a boolean, or a schema for every value
    boolean keepsUnknown = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
        || (additional != null && additional.asBoolean(false));
    // The API server itself owns apiVersion, kind and metadata of the object and of embedded resources.
    boolean resource = top || schema.path("x-kubernetes-embedded-resource").asBoolean(false);
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      String key = field.getKey();
      JsonNode value = field.getValue();
      String at = join(path, key);
      if (resource && key.equals("metadata")) {
        if (!value.isObject()) {
          out.add(at + ": expected object, got " + typeOf(value));
        }
        continue;
      }
      JsonNode sub = schemaOf(schema, key);
      if (sub == null) {
        if (!keepsUnknown && !(resource && (key.equals("apiVersion") || key.equals("kind")))) {
          out.add(at + ": not in the schema (a real API server prunes it)");
        }
      } else if (!prunedNull(value, sub)) {
        check(at, value, sub, out);
      }
    }
    for (JsonNode required : schema.path("required")) {
      String key = required.asText();
      if (!object.has(key) || prunedNull(object.get(key), schemaOf(schema, key))) {
        out.add(join(path, key) + ": required but missing");
      }
    }
  }

  /** A violation when {@code actual} is beyond the schema's {@code key}, if set (minimum/maximum may be exclusive). */
  private static void bound(String path, String what, double actual, JsonNode schema, String key, boolean max,
      List<String> out) {
    JsonNode limit = schema.get(key);
    if (limit == null) {
      return;
    }
    boolean exclusive = schema.path(max ? "exclusiveMaximum" : "exclusiveMinimum").asBoolean(false)
        && (key.equals("maximum") || key.equals("minimum"));
    double l = limit.asDouble();
    if (max ? actual > l || (exclusive && actual == l) : actual < l || (exclusive && actual == l)) {
      out.add(path + ": " + what + " is " + (max ? "above " : "below ") + key + " " + limit
          + (exclusive ? " (exclusive)" : ""));
    }
  }

  /** The schema of one key of an object: its property, else additionalProperties when that is a schema. */
  private static JsonNode schemaOf(JsonNode schema, String key) {
    JsonNode sub = schema.path("properties").get(key);
    JsonNode additional = schema.get("additionalProperties");
    return sub != null ? sub : additional != null && additional.isObject() ? additional : null;
  }

  /** A null the API server removes before validating (neither nullable nor defaulted): as if never written. */
  private static boolean prunedNull(JsonNode value, JsonNode schema) {
    return value.isNull() && schema != null && !schema.path("nullable").asBoolean(false) && !schema.has("default");
  }

  private static boolean hasType(JsonNode value, String type) {
    return switch (type) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "integer" -> isInteger(value);
      case "number" -> value.isNumber();
      case "boolean" -> value.isBoolean();
      default -> true; // not a structural-schema type: nothing to check
    };
  }

  private static boolean isInteger(JsonNode value) {
    return value.isIntegralNumber() || (value.isFloatingPointNumber() && Double.isFinite(value.doubleValue())
        && value.decimalValue().stripTrailingZeros().scale() <= 0);
  }

  private static String typeOf(JsonNode value) {
    if (value.isNumber()) {
      return isInteger(value) ? "integer" : "number";
    }
    return value.isTextual() ? "string" : value.getNodeType().name().toLowerCase();
  }

  private static boolean contains(JsonNode allowed, JsonNode value) {
    for (JsonNode e : allowed) {
      // 1 and 1L are different JsonNodes but the same JSON value.
      if (e.equals(value)
          || (e.isNumber() && value.isNumber() && e.decimalValue().compareTo(value.decimalValue()) == 0)) {
        return true;
      }
    }
    return false;
  }

  private static String show(JsonNode value) {
    return value.isTextual() ? "'" + value.textValue() + "'" : value.toString();
  }

  /** a.b for plain keys, a['app.kubernetes.io/name'] for map keys that would read as a path. */
  private static String join(String path, String key) {
    if (!PLAIN_KEY.matcher(key).matches()) {
      return (path.isEmpty() ? "" : path) + "['" + key + "']";
    }
    return path.isEmpty() ? key : path + "." + key;
  }
}
