package io.rollbackguard.api.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * A threshold as written: a number, or a duration string for latency ({@code 2s}, {@code 1500ms}).
 * Kept as written so that status and lint echo the user's own text; {@code policy} gives it meaning.
 */
public final class Threshold {
  private final JsonNode written;

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public Threshold(JsonNode written) {
    this.written = written;
  }

  public static Threshold of(double value) {
    return new Threshold(JsonNodeFactory.instance.numberNode(value));
  }

  public static Threshold of(String text) {
    return new Threshold(JsonNodeFactory.instance.textNode(text));
  }

  @JsonValue
  public JsonNode written() {
    return written;
  }

  public boolean isNumber() {
    return written.isNumber();
  }

  public boolean isText() {
    return written.isTextual();
  }

  @Override
  public String toString() {
    return written.isTextual() ? written.textValue() : written.toString();
  }
}
