package io.rollbackguard.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Optional;

/**
 * Where each value of an input's trees was written, so that an error found in a tree later (an unknown field, a wrong
 * type) names the line and column. Kept per container, by identity: a container's children in its own order, the
 * key's and the value's place for a mapping, the value's for a sequence. An alias shares its anchor's node, and so its
 * places: an error inside aliased content points at the text to fix, where the anchor wrote it.
 */
public final class NodePositions {
  private final IdentityHashMap<JsonNode, long[]> children = new IdentityHashMap<>();

  void put(JsonNode container, long[] packed) {
    children.put(container, packed);
  }

  /** The packed places of a container's children, in its order; null for a container not composed here. */
  long[] packed(JsonNode container) {
    return children.get(container);
  }

  /** The value of {@code field} in mapping {@code container} ({@code key}: where the key is written instead). */
  public Optional<Position> of(JsonNode container, String field, boolean key) {
    long[] packed = children.get(container);
    if (packed == null || !container.isObject()) {
      return Optional.empty();
    }
    int i = 0;
    for (Iterator<String> names = container.fieldNames(); names.hasNext(); i++) {
      if (names.next().equals(field)) {
        return Optional.of(Position.unpack(packed[2 * i + (key ? 0 : 1)]));
      }
    }
    return Optional.empty();
  }

  /** Element {@code index} of sequence {@code container}. */
  public Optional<Position> of(JsonNode container, int index) {
    long[] packed = children.get(container);
    if (packed == null || !container.isArray() || index < 0 || index >= packed.length) {
      return Optional.empty();
    }
    return Optional.of(Position.unpack(packed[index]));
  }
}
