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
