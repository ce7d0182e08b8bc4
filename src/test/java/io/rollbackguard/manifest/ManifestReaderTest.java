package io.rollbackguard.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ManifestReaderTest {
  @TempDir Path dir;

  private final ManifestReader reader = ManifestReader.defaults();

  private List<JsonNode> trees(String yaml) throws UnreadableInputException {
    return reader.parse("in.yaml", yaml).stream().map(ManifestDocument::tree).toList();
  }

  private String refusal(String yaml) {
    try {
      reader.parse("in.yaml", yaml);
    } catch (UnreadableInputException e) {
      return e.getMessage();
    }
    throw new AssertionError("read without complaint: " + yaml);
  }

  private static JsonNode json(String json) throws IOException {
    return new ObjectMapper().readTree(json);
  }

  @Test
  void anAliasStandsForItsAnchorsValueScalarSequenceAndMapping() throws Exception {
    assertThat(trees("""
        for: &d 5m
        again: *d
        flags: [&flag checkout-v2]
        steps: [*flag, other]
        list: &l [a, b]
        sameList: *l
        tier: &t {errorRate: {above: 0.05, for: *d}}
        sameTier: *t
        """)).containsExactly(json("""
        {"for": "5m", "again": "5m", "flags": ["checkout-v2"], "steps": ["checkout-v2", "other"],
         "list": ["a", "b"], "sameList": ["a", "b"],
         "tier": {"errorRate": {"above": 0.05, "for": "5m"}}, "sameTier": {"errorRate": {"above": 0.05, "for": "5m"}}}
        """));
  }

  @Test
  void aMergeKeyAddsTheKeysTheMappingDoesNotWriteAndEarlierMergedMappingsWin() throws Exception {
    assertThat(trees("""
        base: &base {a: 1, b: 1, c: 1}
        other: &other {c: 2, d: 2}
        one:
          b: 9
          <<: *base
        two:
          <<: [*other, *base]
          a: 9
        inline:
          <<: {x: 1}
        quoted:
          "<<": not a merge
        """)).containsExactly(json("""
        {"base": {"a": 1, "b": 1, "c": 1}, "other": {"c": 2, "d": 2},
         "one": {"b": 9, "a": 1, "c": 1}, "two": {"a": 9, "c": 2, "d": 2, "b": 1}, "inline": {"x": 1},
         "quoted": {"<<": "not a merge"}}
        """));
  }

  /** What Jackson's own tree reader gave is what users' files always meant: without aliases, nothing changes. */
  static Stream<Path> everyYamlInTheRepository() throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path root : List.of(Path.of("examples"), Path.of("src/test/resources"), Path.of("deploy"))) {
      try (Stream<Path> walk = Files.walk(root)) {
        walk.filter(f -> f.toString().matches(".*\\.ya?ml")).filter(f -> !f.endsWith("unparseable.yaml"))
            .filter(f -> !f.getFileName().toString().startsWith("aliased-")) // Jackson reads an alias as its name
            .sorted().forEach(files::add);
      }
    }
    return files.stream();
  }

  @ParameterizedTest
  @MethodSource("everyYamlInTheRepository")
  void aFileWithoutAliasesReadsToTheTreesJacksonReads(Path file) throws Exception {
    List<JsonNode> jackson = new ArrayList<>();
    try (MappingIterator<JsonNode> docs = new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class)
        .readValues(Files.readString(file))) {
      while (docs.hasNext()) {
        flatten(docs.next(), jackson);
      }
    }
    assertThat(reader.read(file).stream().map(ManifestDocument::tree).toList()).isEqualTo(jackson);
  }

  private static void flatten(JsonNode tree, List<JsonNode> into) {
    if (tree == null || tree.isNull() || tree.isMissingNode()) {
      return;
    }
    if (tree.path("kind").asText().endsWith("List") && tree.path("items").isArray()) {
      tree.get("items").forEach(item -> flatten(item, into));
    } else {
      into.add(tree);
    }
  }

  @Test
  void anAliasBombIsRefusedWithTheLineWhereTheBudgetRanOut() {
    StringBuilder bomb = new StringBuilder("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (char level = 'b'; level <= 'i'; level++) {
      String below = "*" + (char) (level - 1);
      bomb.append(level).append(": &").append(level).append(" [").append(String.join(", ", java.util.Collections
          .nCopies(9, below))).append("]\n");
    }
    assertThat(refusal(bomb.toString())).isEqualTo("line 7, column 8: aliases here expand to more than 1,000,000"
        + " values (an alias bomb?); write the repeated parts out or alias less");
  }

  @Test
  void anAliasMustFollowItsAnchorInTheSameDocumentAndCannotContainItself() {
    assertThat(refusal("a: *nope\n")).isEqualTo("line 1, column 4: alias *nope has no anchor &nope before it in"
        + " this document");
    assertThat(refusal("a: &x 1\n---\nb: *x\n")).startsWith("line 3, column 4: alias *x has no anchor &x");
    assertThat(refusal("a: &x [1, *x]\n")).isEqualTo("line 1, column 11: alias *x stands inside its own anchor &x"
        + " (a value cannot contain itself)");
  }

  @Test
  void aMergeKeyOfAnythingButMappingsIsRefused() {
    assertThat(refusal("a:\n  <<: [x]\n")).isEqualTo("line 2, column 3: '<<' merges a mapping, or a list of"
        + " mappings, into this one; got a list");
  }

  @Test
  void aKeyWrittenTwiceIsRefusedNamingBothLines() {
    assertThat(refusal("metadata:\n  name: a\n  namespace: shop\n  name: b\n")).isEqualTo("line 4, column 3: key"
        + " 'name' is written twice in this mapping (first at line 2, column 3)");
  }

  @Test
  void nestingDeeperThanTheLimitIsRefused() throws Exception {
    assertThat(refusal("[".repeat(101) + "]".repeat(101))).isEqualTo("line 1, column 101: mappings and lists"
        + " nest deeper than 100 levels here");
    assertThat(trees("[".repeat(100) + "]".repeat(100))).hasSize(1);
  }

  @Test
  void everyDocumentIsReadAndEmptyOnesAreLeftOut() throws Exception {
    List<ManifestDocument> docs = reader.parse("in.yaml", "---\nkind: A\n---\n# nothing\n---\nkind: B\n---\n");
    assertThat(docs).extracting(ManifestDocument::label, ManifestDocument::kind)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("document 1", "A"),
            org.assertj.core.groups.Tuple.tuple("document 3", "B"));
    assertThat(docs.get(1).start()).isEqualTo(new Position(6, 1));
  }

  @Test
  void theItemsOfAListAreDocumentsOfTheirOwnWithTheirPlace() throws Exception {
    List<ManifestDocument> docs = reader.parse("in.yaml", """
        apiVersion: v1
        kind: List
        items:
        - {kind: RollbackPolicy, metadata: {name: a}}
        - kind: RollbackPolicyList
          items: [{kind: RollbackPolicy, metadata: {name: b}}]
        ---
        kind: RolloutVerdict
        """);
    assertThat(docs).extracting(ManifestDocument::label).containsExactly("document 1, item 1",
        "document 1, item 2, item 1", "document 2");
    assertThat(docs).extracting(ManifestDocument::name).containsExactly("a", "b", "");
    assertThat(docs.get(0).start()).isEqualTo(new Position(4, 3));
    assertThat(docs.get(1).namePosition()).isEqualTo(new Position(6, 51));
  }

  @Test
  void notUtf8IsRefusedWithTheLineAndColumnOfTheByte() throws Exception {
    Path file = dir.resolve("latin1.yaml");
    Files.write(file, "kind: RollbackPolicy\nmetadata: {name: caf\u00e9}\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> reader.read(file)).isInstanceOf(UnreadableInputException.class)
        .hasMessage("line 2, column 21: not UTF-8 (byte 0xE9); save the file as UTF-8");
    Files.write(file, "\u00fck\u00e9y: \u00e9\n".getBytes(StandardCharsets.UTF_8));
    assertThat(trees(Files.readString(file))).hasSize(1);
    Files.write(file, "kind: A\n".getBytes(StandardCharsets.UTF_16));
    assertThatThrownBy(() -> reader.read(file)).hasMessage("UTF-16 text (it starts with a UTF-16 byte order mark);"
        + " save it as UTF-8");
  }

  @Test
  void anOversizedFileIsRefusedFromItsSizeBeforeItIsRead() throws IOException {
    Path file = dir.resolve("huge.yaml");
    try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
      sparse.setLength(100_000_000L); // sparse: reading it whole would take a while, its size is instant
    }
    assertThatThrownBy(() -> reader.read(file)).hasMessage("95.4 MiB, over the limit of 8 MiB for one input");
    ManifestReader lint = new ManifestReader(InputLimits.DEFAULT.withMaxBytes(1 << 20, "raise it with --max-file-size"),
        InputStream.nullInputStream());
    Files.writeString(file, "k: " + "v ".repeat(600_000));
    assertThatThrownBy(() -> lint.read(file)).hasMessage("1.1 MiB, over the limit of 1 MiB for one input; raise it"
        + " with --max-file-size");
  }

  @Test
  void anEndlessStandardInputIsRefusedOnceItPassesTheLimitAndNoFurtherIsRead() {
    EndlessInput endless = new EndlessInput();
    ManifestReader stdin = new ManifestReader(InputLimits.DEFAULT, endless);
    assertThatThrownBy(() -> stdin.read(Path.of("-"))).isInstanceOf(UnreadableInputException.class)
        .hasMessage("more than 8 MiB (reading stopped there), over the limit of 8 MiB for one input")
        .extracting(e -> ((UnreadableInputException) e).source()).isEqualTo("<stdin>");
    assertThat(endless.read).isEqualTo(InputLimits.DEFAULT_MAX_BYTES + 1);
  }

  @Test
  void standardInputIsReadForDash() throws Exception {
    ManifestReader stdin = new ManifestReader(InputLimits.DEFAULT,
        new ByteArrayInputStream("kind: A\n---\nkind: B\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(stdin.read(Path.of("-"))).extracting(ManifestDocument::source, ManifestDocument::kind)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("<stdin>", "A"),
            org.assertj.core.groups.Tuple.tuple("<stdin>", "B"));
  }

  @Test
  void aLineLongerThanTheLimitIsRefusedBeforeParsing() {
    assertThat(refusal("a: b\nk: " + "x".repeat(128 * 1024) + "\n")).isEqualTo("line 2 is longer than 131,072"
        + " characters, the limit for one line; a longer value can be written on several lines (a block scalar, |"
        + " or >)");
  }

  @Test
  void aMissingFileAndADirectorySaySo() {
    assertThatThrownBy(() -> reader.read(dir.resolve("nope.yaml"))).hasMessage("no such file");
    assertThatThrownBy(() -> reader.read(dir)).hasMessage("a directory, not a file");
  }

  @Test
  void syntaxErrorsAndControlCharactersGiveTheLineAndColumn() {
    assertThat(refusal("a: {b: 1\nc: 2\n")).startsWith("line 2, column 2: expected ',' or '}'");
    assertThat(refusal("a: b\nc: \u0001\n")).isEqualTo("line 2, column 4: character U+0001 is not allowed in YAML"
        + " (a control character?)");
  }

  @Test
  void aTestFileIsOneDocument() throws Exception {
    Path file = Files.writeString(dir.resolve("two.test.yaml"), "policy: a.yaml\n---\npolicy: b.yaml\n");
    assertThatThrownBy(() -> reader.readOne(file)).hasMessage("holds 2 documents; expected one");
    assertThat(reader.readOne(Files.writeString(dir.resolve("empty.yaml"), "# nothing\n")).isNull()).isTrue();
  }

  /** Standard input that never ends, counting what was taken from it. */
  static final class EndlessInput extends InputStream {
    long read;

    @Override
    public int read() {
      read++;
      return 'y';
    }

    @Override
    public int read(byte[] b, int off, int len) {
      java.util.Arrays.fill(b, off, off + len, (byte) 'y');
      read += len;
      return len;
    }
  }
}
