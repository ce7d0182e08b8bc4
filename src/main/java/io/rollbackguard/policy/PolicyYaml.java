package io.rollbackguard.policy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.manifest.ManifestDocument;
import io.rollbackguard.manifest.ManifestReader;
import io.rollbackguard.manifest.SchemaException;
import io.rollbackguard.manifest.UnreadableInputException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads RollbackPolicy manifests strictly: an unknown field is an error, not silently ignored. The YAML is read by
 * {@link ManifestReader} (aliases, merge keys, several documents), then bound with the strict mapper.
 */
public final class PolicyYaml {
  private static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
      .findAndRegisterModules();

  private static final String KIND = "RollbackPolicy";

  private PolicyYaml() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** A manifest that cannot be read as a RollbackPolicy; the message is one line, with line and column. */
  public static final class InvalidManifestException extends Exception {
    public InvalidManifestException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The one RollbackPolicy of {@code file} ({@code -}: standard input), which may hold other kinds beside it. */
  public static RollbackPolicy read(Path file) throws InvalidManifestException {
    return read(ManifestReader.defaults(), file);
  }

  public static RollbackPolicy read(ManifestReader reader, Path file) throws InvalidManifestException {
    try {
      return only(reader.read(file));
    } catch (UnreadableInputException e) {
      throw new InvalidManifestException(e.getMessage(), e);
    }
  }

  /** The one RollbackPolicy of a manifest held in memory. */
  public static RollbackPolicy parse(String yaml) throws InvalidManifestException {
    try {
      return only(ManifestReader.defaults().parse("manifest", yaml));
    } catch (UnreadableInputException e) {
      throw new InvalidManifestException(e.getMessage(), e);
    }
  }

  /** The document a policy is bound from; one without a kind counts, as the strict mapper always took it. */
  public static boolean isPolicy(ManifestDocument document) {
    return document.tree().isObject() && (document.kind().isEmpty() || KIND.equals(document.kind()));
  }

  /** {@code document} as a RollbackPolicy, strictly: "spec.x.abov: unknown field (known: ...), at line 9, column 19". */
  public static RollbackPolicy bind(ManifestDocument document) throws SchemaException {
    return document.bind(MAPPER, RollbackPolicy.class);
  }

  private static RollbackPolicy only(List<ManifestDocument> documents) throws InvalidManifestException {
    List<ManifestDocument> policies = documents.stream().filter(PolicyYaml::isPolicy).toList();
    if (policies.size() != 1) {
      throw new InvalidManifestException(documents.isEmpty() ? "empty document" : policies.isEmpty()
          ? "holds no RollbackPolicy (it holds " + documents.stream().map(PolicyYaml::what)
              .collect(Collectors.joining(", ")) + ")"
          : "holds " + policies.size() + " RollbackPolicies (" + policies.stream().map(ManifestDocument::name)
              .collect(Collectors.joining(", ")) + "); expected one", null);
    }
    try {
      return bind(policies.get(0));
    } catch (SchemaException e) {
      throw new InvalidManifestException(e.getMessage(), e);
    }
  }

  private static String what(ManifestDocument d) {
    return d.kind().isEmpty() ? d.label() : d.kind() + "/" + (d.name().isEmpty() ? "?" : d.name());
  }
}
