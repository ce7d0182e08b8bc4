package io.rollbackguard.manifest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;

/**
 * Composes the parser's tokens into one Jackson tree per document, as a YAML loader does: an alias stands for its
 * anchor's value, a {@code <<} key merges mappings (YAML 1.1, which kubectl follows: keys written in the mapping win,
 * then the merged mappings in order), and a key written twice in one mapping is refused, as kubectl's strict decoding
 * refuses it.
 *
 * <p>An alias shares its anchor's node instead of copying it, so an alias bomb costs no memory; what it would cost
 * whoever walks the tree is counted instead (each node's expanded size), and refused past
 * {@link InputLimits#maxAliasedValues()}. The trees are therefore read-only in spirit: a change through one path shows
 * through every alias of it.
 */
final class DocumentComposer {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** A composed value and the number of values it stands for once every alias in it is expanded. */
  private record Built(JsonNode node, long size) {}

  /** A document's root and where it starts. */
  record Composed(JsonNode tree, Position start) {}

  private final EventYamlFactory.Parser parser;
  private final String source;
  private final InputLimits limits;
  private final NodePositions positions;
  private final Map<String, Built> anchors = new HashMap<>();
  private final Set<String> anchorsBeingBuilt = new HashSet<>();
  private long aliasedValues;

  DocumentComposer(EventYamlFactory.Parser parser, String source, InputLimits limits, NodePositions positions) {
    this.parser = parser;
    this.source = source;
    this.limits = limits;
    this.positions = positions;
  }

  /** The next document, or null after the last; an empty document is a null tree. */
  Composed next() throws IOException, UnreadableInputException {
    JsonToken token = parser.nextToken();
    if (token == null) {
      return null;
    }
    anchors.clear(); // an anchor is known only in its own document
    Position start = position();
    return new Composed(value(token, 0).node(), start);
  }

  private Built value(JsonToken token, int depth) throws IOException, UnreadableInputException {
    Event event = parser.event();
    if (event instanceof AliasEvent alias) {
      return alias(alias.getAnchor());
    }
    String anchor = event instanceof NodeEvent n ? n.getAnchor() : null;
    if (anchor != null) {
      anchorsBeingBuilt.add(anchor);
    }
    Built built = switch (token) {
      case START_OBJECT -> mapping(depth + 1);
      case START_ARRAY -> sequence(depth + 1);
      default -> new Built(scalar(token), 1);
    };
    if (anchor != null) {
      anchorsBeingBuilt.remove(anchor);
      anchors.put(anchor, built); // a later anchor of the same name replaces it for the aliases after it
    }
    return built;
  }

  private Built alias(String name) throws UnreadableInputException {
    Built anchored = anchors.get(name);
    if (anchored == null) {
      throw refused(anchorsBeingBuilt.contains(name)
          ? "alias *" + name + " stands inside its own anchor &" + name + " (a value cannot contain itself)"
          : "alias *" + name + " has no anchor &" + name + " before it in this document");
    }
    aliasedValues += anchored.size();
    if (aliasedValues > limits.maxAliasedValues()) {
      throw refused("aliases here expand to more than " + String.format("%,d", limits.maxAliasedValues())
          + " values (an alias bomb?); write the repeated parts out or alias less");
    }
    return anchored;
  }

  private Built mapping(int depth) throws IOException, UnreadableInputException {
    checkDepth(depth);
    ObjectNode node = NODES.objectNode();
    Places places = new Places(); // key, value, key, value... in the node's order
    List<JsonNode> merged = new ArrayList<>();
    long size = 1;
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_OBJECT) {
      Event keyEvent = parser.event();
      if (token != JsonToken.FIELD_NAME || keyEvent instanceof AliasEvent) {
        throw refused("a mapping key must be written out, not an alias or a collection");
      }
      String key = parser.currentName();
      long keyAt = packedPosition();
      boolean merge = "<<".equals(key) && keyEvent instanceof ScalarEvent s && s.isPlain();
      JsonToken valueToken = parser.nextToken();
      long valueAt = packedPosition();
      Built value = value(valueToken, depth);
      if (merge) {
        merged.addAll(mergeSources(value.node(), keyAt));
        size += value.size(); // keys the mapping overrides are counted too: the budget may overestimate
      } else if (node.has(key)) {
        throw refusedAt(keyAt, "key '" + key + "' is written twice in this mapping (first at "
            + Position.unpack(places.get(2 * indexOf(node, key))) + ")");
      } else {
        node.set(key, value.node());
        places.add(keyAt);
        places.add(valueAt);
        size += value.size();
      }
    }
    for (JsonNode source : merged) { // after every written key, which wins wherever it stands
      long[] sourcePlaces = positions.packed(source);
      int i = 0;
      for (Iterator<Map.Entry<String, JsonNode>> fields = source.fields(); fields.hasNext(); i++) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (!node.has(field.getKey())) {
          node.set(field.getKey(), field.getValue());
          places.add(sourcePlaces == null ? 0 : sourcePlaces[2 * i]);
          places.add(sourcePlaces == null ? 0 : sourcePlaces[2 * i + 1]);
        }
      }
    }
    positions.put(node, places.toArray());
    return new Built(node, size);
  }

  private static int indexOf(ObjectNode node, String key) {
    int i = 0;
    for (Iterator<String> names = node.fieldNames(); names.hasNext() && !names.next().equals(key); ) {
      i++;
    }
    return i;
  }

  /** The mappings a {@code <<} key merges: one mapping, or a sequence of them (earlier ones win). */
  private List<JsonNode> mergeSources(JsonNode value, long keyAt) throws UnreadableInputException {
    if (value.isObject()) {
      return List.of(value);
    }
    List<JsonNode> sources = new ArrayList<>();
    if (value.isArray()) {
      value.forEach(sources::add);
    }
    if (!value.isArray() || sources.stream().anyMatch(source -> !source.isObject())) {
      throw refusedAt(keyAt, "'<<' merges a mapping, or a list of mappings, into this one; got "
          + YamlMessages.describe(value));
    }
    return sources;
  }

  private Built sequence(int depth) throws IOException, UnreadableInputException {
    checkDepth(depth);
    ArrayNode node = NODES.arrayNode();
    Places places = new Places();
    long size = 1;
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      places.add(packedPosition());
      Built element = value(token, depth);
      node.add(element.node());
      size += element.size();
    }
    positions.put(node, places.toArray());
    return new Built(node, size);
  }

  private static final java.util.regex.Pattern NON_FINITE =
      java.util.regex.Pattern.compile("[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)");

  /** As Jackson's own tree reader types them, so that a file without aliases reads to the tree it always did. */
  private JsonNode scalar(JsonToken token) throws IOException {
    return switch (token) {
      case VALUE_STRING -> TextNode.valueOf(parser.getText());
      case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
        case INT -> IntNode.valueOf(parser.getIntValue());
        case LONG -> LongNode.valueOf(parser.getLongValue());
        default -> BigIntegerNode.valueOf(parser.getBigIntegerValue());
      };
      // YAML's .nan and .inf: Jackson's number parsing refuses them ("Malformed numeric value"), so they stay text
      // and whoever reads the field decides (a policy test's series reads .nan as no data; a policy refuses text).
      case VALUE_NUMBER_FLOAT -> NON_FINITE.matcher(parser.getText()).matches() ? TextNode.valueOf(parser.getText())
          : DoubleNode.valueOf(parser.getDoubleValue());
      case VALUE_TRUE -> BooleanNode.TRUE;
      case VALUE_FALSE -> BooleanNode.FALSE;
      case VALUE_EMBEDDED_OBJECT -> parser.getEmbeddedObject() instanceof byte[] bytes ? BinaryNode.valueOf(bytes)
          : new POJONode(parser.getEmbeddedObject());
      default -> NullNode.getInstance();
    };
  }

  private void checkDepth(int depth) throws UnreadableInputException {
    if (depth > limits.maxDepth()) {
      throw refused("mappings and lists nest deeper than " + limits.maxDepth() + " levels here");
    }
  }

  private Position position() {
    return Position.unpack(packedPosition());
  }

  private long packedPosition() {
    JsonLocation at = parser.currentTokenLocation();
    return Position.pack(at.getLineNr(), at.getColumnNr());
  }

  /** Packed positions, unboxed: a list of a million values must not cost a million Longs. */
  private static final class Places {
    private long[] packed = new long[8];
    private int size;

    void add(long place) {
      if (size == packed.length) {
        packed = Arrays.copyOf(packed, size * 2);
      }
      packed[size++] = place;
    }

    long get(int index) {
      return packed[index];
    }

    long[] toArray() {
      return Arrays.copyOf(packed, size);
    }
  }

  private UnreadableInputException refused(String problem) {
    return refusedAt(packedPosition(), problem);
  }

  private UnreadableInputException refusedAt(long at, String problem) {
    return new UnreadableInputException(source, Position.unpack(at) + ": " + problem);
  }
}
