package io.rollbackguard.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.rollbackguard.policy.PolicyYaml;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One-line messages for YAML a person has to fix: where (line, column) and what, in words rather than in Jackson's
 * or SnakeYAML's multi-line reports. The field paths come from {@link PolicyYaml#describe}, the one implementation.
 */
final class YamlErrorMessages {
  private YamlErrorMessages() {}

  /** A mapping (schema) problem, split so that lint can put the field first. */
  record SchemaProblem(String problem, String where) {}

  /** The YAML itself is broken: "line 4, column 5: expected ',' or '}' (while parsing a flow mapping at line 3...)". */
  static String syntax(JsonProcessingException e) {
    if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException y && y.getProblemMark() != null) {
      String context = y.getContext() == null ? "" : " (" + y.getContext()
          + (y.getContextMark() == null ? "" : " at " + where(y.getContextMark().getLine() + 1,
              y.getContextMark().getColumn() + 1)) + ")";
      return where(y.getProblemMark().getLine() + 1, y.getProblemMark().getColumn() + 1) + ": " + y.getProblem()
          + context;
    }
    return PolicyYaml.describe(e);
  }

  /** A value of the wrong type, an unknown field, a value outside an enum: the field path, then what is wrong. */
  static SchemaProblem schema(JsonMappingException e) {
    String text = PolicyYaml.describe(e);
    String jackson = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().split("\n")[0];
    String words = inWords(e);
    if (words != null && !jackson.isEmpty() && text.endsWith(jackson)) {
      text = text.substring(0, text.length() - jackson.length()) + words;
    }
    JsonLocation at = e.getLocation();
    String where = at == null ? "" : where(at.getLineNr(), at.getColumnNr());
    boolean located = !where.isEmpty() && text.startsWith(where + ": ");
    return located ? new SchemaProblem(text.substring(where.length() + 2), where) : new SchemaProblem(text, "");
  }

  /** Jackson's wording of a type mismatch names Java classes; the person wrote YAML. Null: keep Jackson's. */
  private static String inWords(JsonMappingException e) {
    if (!(e instanceof MismatchedInputException m) || m.getTargetType() == null) {
      return null;
    }
    Class<?> type = m.getTargetType();
    Object value = e instanceof InvalidFormatException f ? f.getValue() : null;
    String got = value == null ? "" : "'" + value + "' is not ";
    if (type.isEnum()) {
      String allowed = Arrays.stream(type.getEnumConstants()).map(String::valueOf).collect(Collectors.joining(", "));
      return (value == null ? "must be " : got) + "one of " + allowed;
    }
    String expected = expected(type);
    return expected == null ? null : (value == null ? "expected " : got) + expected;
  }

  private static String expected(Class<?> type) {
    if (type == String.class) {
      return "a string";
    }
    if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type) || !type.getName().startsWith("java.")) {
      return "a mapping";
    }
    return null;
  }

  private static String where(long line, long column) {
    return "line " + line + ", column " + column;
  }
}
