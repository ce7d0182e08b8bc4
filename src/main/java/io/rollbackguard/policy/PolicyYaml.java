package io.rollbackguard.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.rollbackguard.api.RollbackPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Reads RollbackPolicy manifests strictly: an unknown field is an error, not silently ignored. */
public final class PolicyYaml {
  private static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
      .findAndRegisterModules();

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

  public static RollbackPolicy read(Path file) throws InvalidManifestException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new InvalidManifestException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return parse(text);
  }

  public static RollbackPolicy parse(String yaml) throws InvalidManifestException {
    try {
      RollbackPolicy policy = MAPPER.readValue(yaml, RollbackPolicy.class);
      if (policy == null) {
        throw new InvalidManifestException("empty document", null);
      }
      if (policy.getKind() != null && !"RollbackPolicy".equals(policy.getKind())) {
        throw new InvalidManifestException("kind is " + policy.getKind() + ", not RollbackPolicy", null);
      }
      return policy;
    } catch (JsonProcessingException e) {
      throw new InvalidManifestException(describe(e), e);
    }
  }

  /** One line: where (line, column, field path) and what. */
  public static String describe(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
    if (e instanceof UnrecognizedPropertyException u) {
      String known = u.getKnownPropertyIds() == null ? "" : " (known: "
          + u.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")";
      return where + path(u) + ": unknown field" + known;
    }
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      return where + path(m) + ": " + e.getOriginalMessage().split("\n")[0];
    }
    return where + e.getOriginalMessage().split("\n")[0];
  }

  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
      } else {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }
}
