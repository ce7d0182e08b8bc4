package io.rollbackguard.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads YAML the way {@code kubectl apply} sends it, for every command that reads a file ({@code lint}, {@code test},
 * {@code runbook}, {@code postmortem}): anchors, aliases and {@code <<} merge keys resolved; every document of a
 * multi-document file; the items of a {@code kind: List} as documents of their own; {@code -} for standard input.
 *
 * <p>The cost is bounded before it is paid, in this order: the size (a file's before it is opened, standard input's as
 * it is read), strict UTF-8 and the longest line (one linear pass), then one parse, composing each document as it
 * comes with the nesting and alias budgets of {@link InputLimits}. Nothing is read twice, so a file of 10,000 policies
 * costs 10,000 times one.
 */
public final class ManifestReader {
  /** The file name that means standard input. */
  public static final String STDIN = "-";

  private static final EventYamlFactory YAML = new EventYamlFactory();

  private final InputLimits limits;
  private final InputStream stdin;

  public ManifestReader(InputLimits limits, InputStream stdin) {
    this.limits = limits;
    this.stdin = stdin;
  }

  /** The default limits, and the process's standard input. */
  public static ManifestReader defaults() {
    return new ManifestReader(InputLimits.DEFAULT, System.in);
  }

  public InputLimits limits() {
    return limits;
  }

  /** How messages name an input: its path as given, or {@code <stdin>} for {@code -}. */
  public static String displayName(Path path) {
    return isStdin(path) ? "<stdin>" : path.toString();
  }

  public static boolean isStdin(Path path) {
    return STDIN.equals(path.toString());
  }

  /** Every document of the input, List items flattened; empty documents left out. */
  public List<ManifestDocument> read(Path path) throws UnreadableInputException {
    String source = displayName(path);
    return parse(source, InputText.decode(bytes(path, source), source));
  }

  /**
   * The one document of an input that is not a Kubernetes object (a policy test file): its tree, or a null node when
   * the input is empty.
   */
  public JsonNode readOne(Path path) throws UnreadableInputException {
    List<ManifestDocument> documents = read(path);
    if (documents.size() > 1) {
      throw new UnreadableInputException(displayName(path), "holds " + documents.size() + " documents; expected one");
    }
    return documents.isEmpty() ? NullNode.getInstance() : documents.get(0).tree();
  }

  /** Text already in memory (a manifest in a test or the demo), named {@code source} in messages. */
  public List<ManifestDocument> parse(String source, String text) throws UnreadableInputException {
    InputText.checkLines(text, source, limits);
    NodePositions positions = new NodePositions();
    List<ManifestDocument> documents = new ArrayList<>();
    try (EventYamlFactory.Parser parser = (EventYamlFactory.Parser) YAML.createParser(new StringReader(text))) {
      DocumentComposer composer = new DocumentComposer(parser, source, limits, positions);
      int number = 0;
      for (DocumentComposer.Composed document; (document = composer.next()) != null; ) {
        number++;
        add(documents, new ManifestDocument(source, "document " + number, document.tree(), document.start(),
            positions));
      }
    } catch (JsonProcessingException e) {
      throw new UnreadableInputException(source, YamlMessages.syntax(e, text));
    } catch (IOException e) {
      throw new UnreadableInputException(source, "cannot read: " + e.getMessage());
    }
    return documents;
  }

  /**
   * A List (kind {@code List}, or any kind ending in {@code List}, with {@code items}: what {@code kubectl get -o yaml}
   * writes for several objects, and what {@code kubectl apply} unpacks) is its items; an empty document is nothing.
   */
  private static void add(List<ManifestDocument> documents, ManifestDocument document) {
    JsonNode tree = document.tree();
    if (tree == null || tree.isNull()) {
      return;
    }
    if (tree.isObject() && document.kind().endsWith("List") && tree.path("items").isArray()) {
      JsonNode items = tree.get("items");
      for (int i = 0; i < items.size(); i++) {
        Position at = document.positions().of(items, i).orElse(document.start());
        add(documents, new ManifestDocument(document.source(), document.label() + ", item " + (i + 1), items.get(i),
            at, document.positions()));
      }
      return;
    }
    documents.add(document);
  }

  private byte[] bytes(Path path, String source) throws UnreadableInputException {
    if (isStdin(path)) {
      return capped(stdin, source, "standard input");
    }
    try {
      if (Files.isDirectory(path)) {
        throw new UnreadableInputException(source, "a directory, not a file");
      }
      if (Files.isRegularFile(path) && Files.size(path) > limits.maxBytes()) {
        throw tooLarge(source, InputLimits.size(Files.size(path)));
      }
      try (InputStream in = Files.newInputStream(path)) {
        return capped(in, source, source); // a device or a pipe has no size to check first
      }
    } catch (NoSuchFileException e) {
      throw new UnreadableInputException(source, "no such file");
    } catch (AccessDeniedException e) {
      throw new UnreadableInputException(source, "cannot read: permission denied");
    } catch (IOException e) {
      throw new UnreadableInputException(source, "cannot read: " + e.getMessage());
    }
  }

  /** At most the limit, and one byte more to know it was passed: an endless stream costs the limit, no more. */
  private byte[] capped(InputStream in, String source, String what) throws UnreadableInputException {
    byte[] bytes;
    try {
      bytes = in.readNBytes((int) limits.maxBytes() + 1);
    } catch (IOException e) {
      throw new UnreadableInputException(source, "cannot read " + what + ": " + e.getMessage());
    }
    if (bytes.length > limits.maxBytes()) {
      throw tooLarge(source, "more than " + InputLimits.size(limits.maxBytes()) + " (reading stopped there)");
    }
    return bytes;
  }

  private UnreadableInputException tooLarge(String source, String size) {
    return new UnreadableInputException(source, size + ", over the limit of " + InputLimits.size(limits.maxBytes())
        + " for one input" + (limits.raiseHint().isEmpty() ? "" : "; " + limits.raiseHint()));
  }
}
