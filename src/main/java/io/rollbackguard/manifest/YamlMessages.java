package io.rollbackguard.manifest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * One-line messages for YAML a person has to fix: where (line, column, field path) and what, in the words of the YAML
 * they wrote, never in the Java classes it was meant for nor in a library's multi-line report.
 */
final class YamlMessages {
  private YamlMessages() {}

  /** The YAML itself is broken: "line 4, column 5: expected ',' or '}', but got : (while parsing ... at line 3...)". */
  static String syntax(JsonProcessingException e, String text) {
    if (e.getCause() instanceof MarkedYAMLException y && y.getProblemMark() != null) {
      String context = y.getContext() == null ? "" : " (" + y.getContext()
          + (y.getContextMark() == null ? "" : " at " + new Position(y.getContextMark().getLine() + 1,
              y.getContextMark().getColumn() + 1)) + ")";
      return new Position(y.getProblemMark().getLine() + 1, y.getProblemMark().getColumn() + 1) + ": "
          + y.getProblem() + context;
    }
    if (e.getCause() instanceof ReaderException r) {
      return at(text, r.getPosition()) + ": character U+" + String.format("%04X", r.getCodePoint())
          + " is not allowed in YAML (a control character?)";
    }
    JsonLocation at = e.getLocation();
    String where = at == null || at.getLineNr() < 1 ? "" : new Position(at.getLineNr(), at.getColumnNr()) + ": ";
    if (e instanceof StreamConstraintsException) {
      return where + (String.valueOf(e.getOriginalMessage()).startsWith("Number value length")
          ? "a number of more than 1,000 digits" : "a value too large to read");
    }
    return where + withoutClassNames(firstLine(e.getOriginalMessage()));
  }

  /** Where code point {@code index} of {@code text} is. */
  private static Position at(String text, int index) {
    int end = text.offsetByCodePoints(0, Math.min(index, text.codePointCount(0, text.length())));
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < end; i++) {
      if (text.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return new Position(line, text.codePointCount(lineStart, end) + 1);
  }

  /** A tree that cannot be bound to its class: the field path, what is wrong, and where it was written. */
  static SchemaException schema(JsonMappingException e, ManifestDocument document) {
    List<JsonMappingException.Reference> refs = e.getPath();
    String path = path(refs);
    JsonNode parent = null;
    JsonNode value = document.tree();
    for (JsonMappingException.Reference r : refs) {
      parent = value;
      value = r.getFieldName() != null ? value.path(r.getFieldName()) : value.path(r.getIndex());
    }
    boolean unknownField = e instanceof UnrecognizedPropertyException;
    Optional<Position> where = refs.isEmpty() ? Optional.of(document.start())
        : locate(document.positions(), parent, refs.get(refs.size() - 1), unknownField);
    return new SchemaException(path, problem(e, value), where.orElse(null));
  }

  private static Optional<Position> locate(NodePositions positions, JsonNode parent, JsonMappingException.Reference r,
      boolean key) {
    return r.getFieldName() != null ? positions.of(parent, r.getFieldName(), key) : positions.of(parent, r.getIndex());
  }

  private static String problem(JsonMappingException e, JsonNode value) {
    if (e instanceof UnrecognizedPropertyException u) {
      return "unknown field" + (u.getKnownPropertyIds() == null ? "" : " (known: " + u.getKnownPropertyIds().stream()
          .map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")");
    }
    if (e.getCause() instanceof StreamConstraintsException) {
      return "a number of more than 1,000 digits";
    }
    Class<?> type = e instanceof MismatchedInputException m ? m.getTargetType() : null;
    String got = value.isValueNode() && !value.isNull() ? quoted(value.asText()) + " is not " : null;
    if (type != null && type.isEnum()) {
      String allowed = Arrays.stream(type.getEnumConstants()).map(String::valueOf).collect(Collectors.joining(", "));
      return (got == null ? "must be " : got) + "one of " + allowed;
    }
    String expected = type == null ? null : expected(type);
    if (expected == null) {
      return e instanceof InvalidFormatException || got != null ? (got == null ? "not valid here" : got + "valid here")
          : "cannot be " + describe(value) + " here";
    }
    return got != null && !value.isBoolean() ? got + expected : "expected " + expected + ", got " + describe(value);
  }

  /** What a value is, in YAML's words: "a mapping", "a list", "the string 'x'". */
  static String describe(JsonNode value) {
    if (value == null || value.isMissingNode() || value.isNull()) {
      return "nothing (null)";
    }
    if (value.isObject()) {
      return "a mapping";
    }
    if (value.isArray()) {
      return "a list";
    }
    if (value.isTextual()) {
      return "the string " + quoted(value.asText());
    }
    return (value.isNumber() ? "the number " : "") + value.asText();
  }

  /** A value as the message echoes it: quoted, and cut short when long, since the line says where to see it whole. */
  static String quoted(String value) {
    return "'" + (value.length() <= 60 ? value : value.substring(0, 57) + "...") + "'";
  }

  private static String expected(Class<?> type) {
    if (type == String.class || type == Character.class || type == char.class) {
      return "a string";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == Integer.class || type == Long.class || type == Short.class || type == Byte.class
        || type == int.class || type == long.class || type == short.class || type == byte.class
        || type == java.math.BigInteger.class) {
      return "a whole number";
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
      return "a number";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type) || !type.getName().startsWith("java.")) {
      return "a mapping";
    }
    return null;
  }

  private static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
      } else {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String firstLine(String message) {
    return message == null ? "cannot be read" : message.split("\n")[0];
  }

  /** Jackson names Java types in backquotes ("`java.lang.Long`", "`StreamReadConstraints.getMax...()`"). */
  static String withoutClassNames(String message) {
    return message.replaceAll("\\s*\\([^()]*`[^`]*`[^()]*\\)", "").replaceAll("`[^`]*`", "a value");
  }
}
