package io.rollbackguard.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One document of an input, or one item of a {@code kind: List}, with its aliases and merge keys resolved.
 *
 * @param source the input as the user named it
 * @param label which document: "document 2", or "document 1, item 3" for an item of a List
 * @param tree its content (read-only: an alias shares its anchor's node)
 * @param start where it starts
 */
public record ManifestDocument(String source, String label, JsonNode tree, Position start, NodePositions positions) {

  public String kind() {
    return text("kind");
  }

  public String apiVersion() {
    return text("apiVersion");
  }

  public String name() {
    return tree.path("metadata").path("name").isValueNode() ? tree.path("metadata").path("name").asText() : "";
  }

  public String namespace() {
    return tree.path("metadata").path("namespace").isValueNode() ? tree.path("metadata").path("namespace").asText()
        : "";
  }

  /** Where {@code metadata.name} is written, else where the document starts. */
  public Position namePosition() {
    return positions.of(tree.path("metadata"), "name", false).orElse(start);
  }

  /**
   * Where the field a problem names is written: {@code spec.tiers.rapid.regression.minSamples}, with {@code [i]} for
   * a list item; for a field the document leaves out (a default the problem is about), where its closest written
   * ancestor is. A map key may contain dots (a label key such as {@code app.kubernetes.io/name}): the longest written
   * key that matches is taken.
   */
  public Position positionOf(String path) {
    JsonNode node = tree;
    Position at = start;
    String rest = path;
    while (!rest.isEmpty()) {
      if (node.isArray() && rest.startsWith("[")) {
        int close = rest.indexOf(']');
        int index;
        try {
          index = close < 0 ? -1 : Integer.parseInt(rest.substring(1, close));
        } catch (NumberFormatException e) {
          return at;
        }
        java.util.Optional<Position> item = positions.of(node, index);
        if (item.isEmpty()) {
          return at;
        }
        at = item.get();
        node = node.get(index);
        rest = strip(rest.substring(close + 1));
        continue;
      }
      String field = longestField(node, rest);
      if (field == null) {
        return at;
      }
      at = positions.of(node, field, true).orElse(at);
      node = node.get(field);
      rest = strip(rest.substring(field.length()));
    }
    return at;
  }

  private static String strip(String rest) {
    return rest.startsWith(".") ? rest.substring(1) : rest;
  }

  /** The longest field of mapping {@code node} that {@code rest} starts with, followed by its end, '.' or '['. */
  private static String longestField(JsonNode node, String rest) {
    String best = null;
    if (!node.isObject()) {
      return null;
    }
    for (java.util.Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      boolean matches = rest.equals(f) || rest.startsWith(f + ".") || rest.startsWith(f + "[");
      if (matches && (best == null || f.length() > best.length())) {
        best = f;
      }
    }
    return best;
  }

  /**
   * The document as {@code type}, through {@code mapper} (strict or lenient as the caller needs); what does not fit
   * is reported in the YAML's words, with the field path and the place it is written.
   */
  public <T> T bind(ObjectMapper mapper, Class<T> type) throws SchemaException {
    try {
      return mapper.treeToValue(tree, type);
    } catch (JsonMappingException e) {
      throw YamlMessages.schema(e, this);
    } catch (JsonProcessingException e) {
      throw new SchemaException("", YamlMessages.withoutClassNames(String.valueOf(e.getOriginalMessage())), start);
    }
  }

  private String text(String field) {
    JsonNode value = tree.path(field);
    return value.isValueNode() ? value.asText() : "";
  }
}
