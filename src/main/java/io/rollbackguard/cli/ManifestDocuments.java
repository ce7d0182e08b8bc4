package io.rollbackguard.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.policy.PolicyYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The documents of one manifest file (multi-document YAML): each RollbackPolicy read with the operator's strict mapper,
 * every other document named so that lint can say it skipped it.
 *
 * <p>The file is read twice on purpose: once as trees, to learn each document's kind, then each policy again straight
 * from the file's own parser, so that a schema error carries the line and column in the file, not in a copy.
 */
final class ManifestDocuments {
  /** One document of the file. */
  sealed interface Document permits Policy, SchemaError, Skipped {}

  /**
   * A RollbackPolicy that the strict mapper accepted.
   *
   * @param apiVersion as written: the custom resource class reports its own, whatever the manifest says
   */
  record Policy(String name, String apiVersion, RollbackPolicy policy) implements Document {}

  /**
   * A RollbackPolicy the strict mapper refused: a wrong type, an unknown field, a value outside an enum.
   *
   * @param problem {@code path: message}
   * @param where {@code line L, column C}, or empty when the parser knows no location
   */
  record SchemaError(String name, String problem, String where) implements Document {}

  /** A document that is not a RollbackPolicy: another kind, or not a Kubernetes object at all. */
  record Skipped(String what) implements Document {}

  /** The file cannot be read or is not YAML; the message is one line with the parser's line and column. */
  static final class UnreadableException extends Exception {
    UnreadableException(String message) {
      super(message);
    }
  }

  private ManifestDocuments() {}

  static List<Document> read(Path file) throws UnreadableException {
    String text;
    try {
      text = Files.readString(file);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new UnreadableException("no such file");
    } catch (IOException e) {
      throw new UnreadableException("cannot read: " + ClusterConnection.rootMessage(e));
    }
    ObjectMapper mapper = PolicyYaml.mapper();
    List<JsonNode> trees = trees(mapper, text);
    List<Document> documents = new ArrayList<>();
    for (int i = 0; i < trees.size(); i++) {
      JsonNode tree = trees.get(i);
      if (tree == null || tree.isNull() || tree.isMissingNode()) {
        continue; // an empty document, e.g. after a trailing ---
      }
      String kind = tree.path("kind").asText("");
      String name = tree.path("metadata").path("name").asText("");
      if (!tree.isObject()) {
        documents.add(new Skipped("document " + (i + 1) + " (not a Kubernetes object)"));
      } else if (kind.isEmpty()) {
        documents.add(new Skipped("document " + (i + 1) + " (no kind: not a Kubernetes object)"));
      } else if (!"RollbackPolicy".equals(kind)) {
        documents.add(new Skipped(kind + "/" + (name.isEmpty() ? "?" : name) + " (not a RollbackPolicy)"));
      } else {
        documents.add(policy(mapper, text, i, name, tree.path("apiVersion").asText("")));
      }
    }
    return documents;
  }

  /** Every top-level value of the stream, in order; a syntax error makes the whole file unreadable. */
  private static List<JsonNode> trees(ObjectMapper mapper, String text) throws UnreadableException {
    List<JsonNode> trees = new ArrayList<>();
    try (JsonParser parser = mapper.getFactory().createParser(text)) {
      while (parser.nextToken() != null) {
        trees.add(mapper.readTree(parser));
      }
    } catch (JsonProcessingException e) {
      throw new UnreadableException(YamlErrorMessages.syntax(e));
    } catch (IOException e) {
      throw new UnreadableException(ClusterConnection.rootMessage(e));
    }
    return trees;
  }

  /** Reads top-level value {@code index} again, from a fresh parser over the whole file, as a RollbackPolicy. */
  private static Document policy(ObjectMapper mapper, String text, int index, String name, String apiVersion)
      throws UnreadableException {
    try (JsonParser parser = mapper.getFactory().createParser(text)) {
      for (int skipped = 0; skipped < index; skipped++) {
        parser.nextToken();
        parser.skipChildren();
      }
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new UnreadableException("document " + (index + 1) + " moved while it was read");
      }
      return new Policy(name, apiVersion, mapper.readValue(parser, RollbackPolicy.class));
    } catch (JsonMappingException e) {
      return schemaError(e, name);
    } catch (JsonProcessingException e) {
      throw new UnreadableException(YamlErrorMessages.syntax(e));
    } catch (IOException e) {
      throw new UnreadableException(ClusterConnection.rootMessage(e));
    }
  }

  private static SchemaError schemaError(JsonMappingException e, String name) {
    YamlErrorMessages.SchemaProblem p = YamlErrorMessages.schema(e);
    return new SchemaError(name, p.problem(), p.where());
  }

}
