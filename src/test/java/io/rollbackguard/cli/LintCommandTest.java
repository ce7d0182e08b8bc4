package io.rollbackguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class LintCommandTest {
  static final Path FIXTURES = Path.of("src/test/resources/lint");

  @TempDir Path dir;

  private static final String POLICY = "apiVersion: rollbackguard.io/v1alpha1\nkind: RollbackPolicy\n"
      + "metadata: {name: NAME, namespace: shop}\nspec:\n  selector: {matchLabels: {app: NAME}}\n";

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    return p;
  }

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("examples"))) {
      return files.filter(f -> f.toString().endsWith(".yaml") && !f.toString().endsWith(".test.yaml")).sorted()
          .toList().stream();
    }
  }

  /**
   * Every example is valid. The 2-minute-window examples keep the default criteria on purpose (they pin how a window
   * closes), so lint warns that the defaults holding for 5m cannot fire there.
   */
  @ParameterizedTest
  @MethodSource("examples")
  void everyExamplePolicyIsValidAndOnlyTheShortWindowsAreWarnedAbout(Path example) {
    CliRun run = CliRun.of("lint", example.toString());
    assertThat(run.err()).isEmpty();
    boolean shortWindow = example.getFileName().toString().matches("checkout-(short-window|nodata-ignore)\\.yaml");
    if (shortWindow) {
      assertThat(run.out()).isEqualTo(example + ": warning: spec.tiers.rapid.latencyP95: the default latencyP95"
          + " above 2s for 5m can never fire: with window 2m, initialDelay 0s and interval 30s a breach can hold at"
          + " most 2m; name the criterion with a shorter `for`, or {disabled: true}\n"
          + example + ": warning: spec.tiers.evaluate.errorRate: the default errorRate above 0.001 for 5m can never"
          + " fire: with window 2m, initialDelay 0s and interval 30s a breach can hold at most 2m; name the criterion"
          + " with a shorter `for`, or {disabled: true}\n"
          + example + ": warning: spec.tiers.evaluate.latencyP95: the default latencyP95 above 1s for 5m can never"
          + " fire: with window 2m, initialDelay 0s and interval 30s a breach can hold at most 2m; name the criterion"
          + " with a shorter `for`, or {disabled: true}\n"
          + "1 policy valid, 3 warnings\n");
    } else {
      assertThat(run.out()).isEqualTo("1 policy valid\n");
    }
    assertThat(run.exitCode()).isZero();
  }

  @Test
  void theExamplesDirectoryIsValidAndItsPolicyTestsAreNotTakenForManifests() throws IOException {
    CliRun run = CliRun.of("lint", "examples/");
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).endsWith(examples().count() + " policies valid, 6 warnings\n");
    assertThat(run.out().lines().filter(l -> !l.contains(": warning: spec.tiers."))).hasSize(1);
    assertThat(run.exitCode()).isZero();
  }

  @Test
  void aDefaultCriterionTheWindowLeavesDeadIsAWarningAndTheExitCodeStaysZero() throws IOException {
    Path file = write("short.yaml", POLICY.replace("NAME", "checkout")
        + "  observation: {window: 3m, interval: 30s}\n  tiers: {evaluate: {errorRate: {disabled: true},"
        + " latencyP95: {disabled: true}}}\n");
    CliRun run = CliRun.of("lint", file.toString());
    assertThat(run.out()).isEqualTo(file + ": warning: spec.tiers.rapid.latencyP95: the default latencyP95 above 2s"
        + " for 5m can never fire: with window 3m, initialDelay 0s and interval 30s a breach can hold at most 3m;"
        + " name the criterion with a shorter `for`, or {disabled: true}\n1 policy valid, 1 warning\n");
    assertThat(run.exitCode()).isZero();
  }

  @Test
  void aNamedCriterionWhoseForCannotFitIsAProblemAndWarningsAreStillPrinted() throws IOException {
    Path file = write("short.yaml", POLICY.replace("NAME", "checkout")
        + "  observation: {window: 3m, interval: 30s}\n  tiers: {rapid: {latencyP95: {above: 2s, for: 5m}},"
        + " evaluate: {errorRate: {disabled: true}}}\n");
    CliRun run = CliRun.of("lint", file.toString());
    assertThat(run.out()).isEqualTo(file + ": spec.tiers.rapid.latencyP95.for: 5m can never fire: with window 3m,"
        + " initialDelay 0s and interval 30s a breach can hold at most 3m; shorten `for` or lengthen the window, at line 7\n"
        + file + ": warning: spec.tiers.evaluate.latencyP95: the default latencyP95 above 1s for 5m can never fire:"
        + " with window 3m, initialDelay 0s and interval 30s a breach can hold at most 3m; name the criterion with a"
        + " shorter `for`, or {disabled: true}\n"
        + "1 of 1 policy invalid (1 problem), 1 warning\n");
    assertThat(run.exitCode()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      unknown-field.yaml            | spec.tiers.rapid.errorRate.abov: unknown field (known: above, below, disabled, for), at line 9, column
      enum-value.yaml               | spec.observation.onNoData: 'Evaluat' is not one of Evaluate, Ignore, at line 6
      wrong-type.yaml               | spec.observation.minRequestRate: 'lots' is not a number, at line 6
      malformed-duration.yaml       | spec.observation.window: 'forever' is not a duration
      error-rate-out-of-range.yaml  | spec.tiers.immediate.errorRate.above: 5.0 is out of range
      tier-order.yaml               | spec.tiers.immediate.errorRate.above: 0.005 is looser than the rapid tier's 0.01
      missing-selector.yaml         | spec.selector: required
      neither-above-nor-below.yaml  | spec.tiers.rapid.latencyP95: set above or below
      unknown-custom-signal.yaml    | spec.tiers.rapid.custom[0].signal: unknown signal 'checkout-prob'
      database-without-restore.yaml | spec.procedure.database.restoreCommand: required when migrations are not reversible
      interval-too-short.yaml       | spec.observation.interval: must be at least 1s
      decide-within-order.yaml      | spec.tiers.immediate.decideWithin: 45m is longer than the rapid tier's 30m
      wrong-api-version.yaml        | apiVersion: 'rollbackguard.io/v1' is not rollbackguard.io/v1alpha1
      unknown-placeholder.yaml      | spec.signals.errorRate.query: unknown placeholder {{namespce}}
      unquoted-placeholder.yaml     | spec.signals.errorRate.query: {{deployment}} must stand inside a quoted label value
      burn-rate-without-slo.yaml    | spec.tiers.immediate.burnRate: needs spec.slo.objective
      regression-on-kubernetes-signal.yaml | spec.tiers.rapid.regression.signal: 'crashLooping' is not a metric signal
      regression-min-samples.yaml   | spec.tiers.evaluate.regression.minSamples: 10 can never be reached: with window 5m
      regression-direction.yaml     | spec.tiers.evaluate.regression.direction: 'up' is not one of increase, decrease, at line 8
      watch-interval-too-short.yaml | spec.observation.watch.interval: 10s is shorter than observation.interval (30s)
      watch-unknown-tier.yaml       | spec.observation.watch.tiers[1]: 'fast' is not one of immediate, rapid, evaluate, at line 10, column 26
      watch-without-tiers.yaml      | spec.observation.watch.tiers: must list at least one tier
      watch-malformed-for.yaml      | spec.observation.watch.for: '2 hours' is not a duration
      """)
  void aBrokenPolicyGetsOneLineNamingTheFileAndTheField(String fixture, String problem) {
    Path file = FIXTURES.resolve("broken").resolve(fixture);
    CliRun run = CliRun.of("lint", file.toString());
    List<String> lines = run.out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith(file + ": " + problem.strip());
    assertThat(lines.get(1)).isEqualTo("1 of 1 policy invalid (1 problem)");
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isEqualTo(1);
  }

  @Test
  void aProblemNamesTheLineOfItsFieldOrOfItsClosestWrittenAncestor() {
    Path written = FIXTURES.resolve("broken/regression-on-kubernetes-signal.yaml");
    assertThat(CliRun.of("lint", written.toString()).out()).startsWith(written + ": spec.tiers.rapid.regression.signal:")
        .contains(", at line 9\n");
    // minSamples is left at its default: the line is the regression's own
    Path defaulted = FIXTURES.resolve("broken/regression-min-samples.yaml");
    assertThat(CliRun.of("lint", defaulted.toString()).out())
        .startsWith(defaulted + ": spec.tiers.evaluate.regression.minSamples: 10 can never be reached")
        .contains("lengthen the window, at line 15\n");
  }

  @Test
  void everyBrokenFixtureIsCoveredAboveAndTheirProblemsAddUp() {
    CliRun run = CliRun.of("lint", FIXTURES.resolve("broken").toString());
    assertThat(run.out()).endsWith("23 of 23 policies invalid (23 problems)\n");
    assertThat(run.exitCode()).isEqualTo(1);
  }

  @Test
  void otherKindsInAMultiDocumentFileAreSkippedWithANote() {
    Path file = FIXTURES.resolve("multi-document.yaml");
    CliRun run = CliRun.of("lint", file.toString());
    assertThat(run.err()).isEqualTo(file + ": skipped Deployment/checkout (not a RollbackPolicy)\n"
        + file + ": skipped Service/checkout (not a RollbackPolicy)\n");
    assertThat(run.out()).isEqualTo("2 policies valid\n");
    assertThat(run.exitCode()).isZero();
  }

  @Test
  void aProblemInAFileOfSeveralPoliciesNamesThePolicy() throws IOException {
    Path file = write("two.yaml", POLICY.replace("NAME", "cart") + "---\n" + POLICY.replace("NAME", "checkout")
        + "  observation: {window: forever}\n");
    CliRun run = CliRun.of("lint", file.toString());
    assertThat(run.out()).isEqualTo(file + " (checkout): spec.observation.window: 'forever' is not a duration"
        + " (use e.g. 30s, 1m30s, 1500ms), at line 12\n1 of 2 policies invalid (1 problem)\n");
    assertThat(run.exitCode()).isEqualTo(1);
  }

  @Test
  void unparseableYamlExitsTwoWithTheParsersLineAndColumnOnOneLine() {
    Path file = FIXTURES.resolve("unparseable.yaml");
    CliRun run = CliRun.of("lint", file.toString());
    assertThat(run.err()).isEqualTo("error: " + file + ": line 4, column 5: expected ',' or '}', but got :"
        + " (while parsing a flow mapping at line 3, column 11)\n");
    assertThat(run.exitCode()).isEqualTo(2);
  }

  @Test
  void anUnreadableFileWinsOverProblemsInOthers() {
    CliRun run = CliRun.of("lint", FIXTURES.resolve("broken/tier-order.yaml").toString(),
        FIXTURES.resolve("unparseable.yaml").toString());
    assertThat(run.out()).endsWith("1 of 1 policy invalid (1 problem); 1 file unreadable\n");
    assertThat(run.exitCode()).isEqualTo(2);
  }

  @Test
  void aMissingFileExitsTwo() {
    CliRun run = CliRun.of("lint", dir.resolve("nope.yaml").toString());
    assertThat(run.err()).isEqualTo("error: " + dir.resolve("nope.yaml") + ": no such file\n");
    assertThat(run.exitCode()).isEqualTo(2);
  }

  @Test
  void aDirectoryIsSearchedForYamlAndYmlBelowItSkippingPolicyTests() throws IOException {
    write("a.yaml", POLICY.replace("NAME", "a"));
    write("b.yml", POLICY.replace("NAME", "b"));
    write("nested/deeper/c.yaml", POLICY.replace("NAME", "c"));
    write("a.test.yaml", "policy: a.yaml\ntests: []\n");
    write("notes.txt", "not yaml: [");
    CliRun run = CliRun.of("lint", dir.toString());
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).isEqualTo("3 policies valid\n");
    assertThat(run.exitCode()).isZero();
  }

  @Test
  void aPolicyTestFileNamedExplicitlyIsSkippedWithANote() throws IOException {
    Path policy = write("a.yaml", POLICY.replace("NAME", "a"));
    Path test = write("a.test.yaml", "policy: a.yaml\ntests: []\n");
    CliRun run = CliRun.of("lint", policy.toString(), test.toString());
    assertThat(run.err()).isEqualTo(test + ": skipped (a policy test file: run `rollback-guard test` on it)\n");
    assertThat(run.exitCode()).isZero();
  }

  @Test
  void noPolicyAtAllIsAnErrorNotASilentPass() throws IOException {
    write("values.yaml", "replicas: 3\n");
    CliRun run = CliRun.of("lint", dir.toString());
    assertThat(run.err()).contains("skipped document 1 (no kind: not a Kubernetes object)",
        "error: no RollbackPolicy found in [" + dir + "]");
    assertThat(run.exitCode()).isEqualTo(2);
  }

  @Test
  void anAliasedPolicyIsLintedExactlyAsItsExpandedForm() {
    Path aliased = Path.of("src/test/resources/manifest/aliased-policy.yaml");
    Path expanded = Path.of("src/test/resources/manifest/expanded-policy.yaml");
    CliRun a = CliRun.of("lint", aliased.toString());
    CliRun e = CliRun.of("lint", expanded.toString());
    assertThat(a.out()).isEqualTo("1 policy valid\n").isEqualTo(e.out());
    assertThat(a.exitCode()).isZero();
    Path broken = Path.of("src/test/resources/manifest/aliased-broken.yaml");
    CliRun b = CliRun.of("lint", broken.toString());
    // each where its own key is written: the alias's value is the anchor's, its key is not
    assertThat(b.out()).isEqualTo(broken + ": spec.tiers.immediate.errorRate.for: 'forever' is not a duration (use"
        + " e.g. 30s, 1m30s, 1500ms), at line 9\n" + broken + ": spec.tiers.rapid.errorRate.for: 'forever' is not a"
        + " duration (use e.g. 30s, 1m30s, 1500ms), at line 11\n1 of 1 policy invalid (2 problems)\n");
  }

  @Test
  void anUnknownFieldInsideAnAliasedMappingIsPlacedWhereTheAnchorWroteIt() throws IOException {
    Path file = write("typo.yaml", POLICY.replace("NAME", "checkout") + "  tiers:\n"
        + "    immediate: &t\n      errorRate: {abov: 0.05}\n    rapid:\n      <<: *t\n");
    CliRun run = CliRun.of("lint", file.toString());
    assertThat(run.out()).startsWith(file + ": spec.tiers.immediate.errorRate.abov: unknown field (known: above,"
        + " below, disabled, for), at line 8, column 19\n");
  }

  @Test
  void anAliasBombIsRefusedAsUnreadable() throws IOException {
    StringBuilder bomb = new StringBuilder(POLICY.replace("NAME", "checkout") + "  procedure:\n    extraSteps: &a"
        + " [x, x, x, x, x, x, x, x, x, x]\n");
    for (int level = 1; level <= 9; level++) {
      bomb.append("    x").append(level).append(": &").append((char) ('a' + level)).append(" [")
          .append(String.join(", ", java.util.Collections.nCopies(10, "*" + (char) ('a' + level - 1)))).append("]\n");
    }
    Path file = write("bomb.yaml", bomb.toString());
    CliRun run = CliRun.of("lint", file.toString());
    assertThat(run.err()).isEqualTo("error: " + file + ": line 12, column 41: aliases here expand to more than"
        + " 1,000,000 values (an alias bomb?); write the repeated parts out or alias less\n");
    assertThat(run.exitCode()).isEqualTo(2);
  }

  @Test
  void dashReadsStandardInput() {
    LintCommand lint = new LintCommand();
    lint.stdin = new java.io.ByteArrayInputStream((POLICY.replace("NAME", "cart") + "---\n"
        + POLICY.replace("NAME", "checkout") + "  observation: {window: forever}\n").getBytes(UTF_8));
    CliRun run = CliRun.command(lint, "-");
    assertThat(run.out()).isEqualTo("<stdin> (checkout): spec.observation.window: 'forever' is not a duration (use"
        + " e.g. 30s, 1m30s, 1500ms), at line 12\n1 of 2 policies invalid (1 problem)\n");
    assertThat(run.exitCode()).isEqualTo(1);
  }

  @Test
  void theItemsOfAListAreLintedLikeDocuments() throws IOException {
    Path file = write("list.yaml", "apiVersion: v1\nkind: List\nitems:\n"
        + POLICY.replace("NAME", "cart").indent(2).replaceFirst("^  ", "- ")
        + "- {apiVersion: v1, kind: ConfigMap, metadata: {name: settings}}\n"
        + (POLICY.replace("NAME", "checkout") + "  observation: {window: forever}\n").indent(2)
            .replaceFirst("^  ", "- "));
    CliRun run = CliRun.of("lint", file.toString());
    assertThat(run.err()).isEqualTo(file + ": skipped ConfigMap/settings (not a RollbackPolicy)\n");
    assertThat(run.out()).isEqualTo(file + " (checkout): spec.observation.window: 'forever' is not a duration (use"
        + " e.g. 30s, 1m30s, 1500ms), at line 15\n1 of 2 policies invalid (1 problem)\n");
  }

  @Test
  void aPolicyDefinedTwiceAcrossTheFilesIsAProblemNamingBothPlaces() throws IOException {
    Path a = write("a.yaml", POLICY.replace("NAME", "checkout"));
    Path b = write("b.yaml", POLICY.replace("NAME", "cart") + "---\n" + POLICY.replace("NAME", "checkout")
        + "---\n" + POLICY.replace("NAME", "checkout").replace("namespace: shop", "namespace: staging"));
    CliRun run = CliRun.of("lint", a.toString(), b.toString());
    assertThat(run.out()).isEqualTo(b + " (checkout): metadata.name: shop/checkout is defined twice: at " + a
        + ", line 3, and here, at line 9; the one applied last replaces the other\n"
        + "1 of 4 policies invalid (1 problem)\n");
    assertThat(run.exitCode()).isEqualTo(1);
  }

  @Test
  void aDocumentOfOurApiGroupWithAnotherKindIsAProblemOtherGroupsAreSkipped() throws IOException {
    Path file = write("kinds.yaml", POLICY.replace("NAME", "checkout") + "---\n"
        + POLICY.replace("NAME", "cart").replace("kind: RollbackPolicy", "kind: RollbackPolicies") + "---\n"
        + "apiVersion: rollbackguard.io/v1alpha1\nkind: RolloutVerdict\nmetadata: {name: checkout, namespace: shop}\n"
        + "---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n");
    CliRun run = CliRun.of("lint", file.toString());
    assertThat(run.out()).isEqualTo(file + " (cart): kind: 'RollbackPolicies' is not a kind of rollbackguard.io"
        + " (RollbackPolicy, or the operator's RolloutVerdict); the API server would refuse it\n"
        + file + " (checkout): kind: a RolloutVerdict is written by the operator, one per guarded Deployment; it is"
        + " not applied with the manifests\n2 of 3 policies invalid (2 problems)\n");
    assertThat(run.err()).isEqualTo(file + ": skipped Widget/w (not a RollbackPolicy)\n");
    assertThat(run.exitCode()).isEqualTo(1);
  }

  @Test
  void aFileOverTheSizeLimitIsRefusedAndTheFlagRaisesIt() throws IOException {
    Path file = write("big.yaml", POLICY.replace("NAME", "checkout") + ("# " + "padding ".repeat(100) + "\n")
        .repeat(11_000));
    CliRun refused = CliRun.of("lint", file.toString());
    assertThat(refused.err()).isEqualTo("error: " + file + ": 8.4 MiB, over the limit of 8 MiB for one input; raise"
        + " it with --max-file-size\n");
    assertThat(refused.exitCode()).isEqualTo(2);
    CliRun raised = CliRun.of("lint", "--max-file-size", "9Mi", file.toString());
    assertThat(raised.out()).isEqualTo("1 policy valid\n");
    assertThat(CliRun.of("lint", "--max-file-size", "lots", file.toString()).err())
        .contains("'lots' is not a size (use e.g. 8Mi, 20Mi, 100M or a number of bytes)");
  }

  @Test
  void notUtf8IsUnreadableWithTheLineOfTheByte() throws IOException {
    Path file = dir.resolve("latin1.yaml");
    Files.write(file, (POLICY.replace("NAME", "checkout") + "  procedure: {extraSteps: [\"pr\u00e9venir\"]}\n")
        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    CliRun run = CliRun.of("lint", file.toString());
    assertThat(run.err()).isEqualTo("error: " + file + ": line 6, column 31: not UTF-8 (byte 0xE9); save the file"
        + " as UTF-8\n");
    assertThat(run.exitCode()).isEqualTo(2);
  }

  /** Each policy is read once: a problem in the thousandth document still names its own line, and quickly. */
  @Test
  void aThousandPoliciesInOneFileAreEachReadOnceWithTheirOwnLines() throws IOException {
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      many.append(i == 0 ? "" : "---\n").append(POLICY.replace("NAME", "p" + i));
    }
    many.append("  observation: {window: [15m]}\n");
    Path file = write("many.yaml", many.toString());
    CliRun run = CliRun.of("lint", file.toString());
    assertThat(run.out()).isEqualTo(file + " (p999): spec.observation.window: expected a string, got a list, at line"
        + " 6000, column 25\n1 of 1000 policies invalid (1 problem)\n");
  }

  @Test
  void noMessageNamesAJavaClassOrALibrary() throws IOException {
    List<String> inputs = List.of("kind: RollbackPolicy\nspec: [1]\n", "kind: RollbackPolicy\nmetadata: 5\n",
        "kind: RollbackPolicy\nspec: {selector: {matchLabels: [a]}}\n", "a: [\n", "a: *b\n", "- [" + "[".repeat(200),
        "kind: RollbackPolicy\nspec: {observation: {minRequestRate: " + "9".repeat(1200) + "}}\n",
        "kind: RollbackPolicy\nspec: {tiers: {rapid: {custom: {signal: x}}}}\n", "\u0000");
    for (int i = 0; i < inputs.size(); i++) {
      CliRun run = CliRun.of("lint", write("m" + i + ".yaml", inputs.get(i)).toString());
      assertThat(run.out() + run.err()).doesNotContain("com.fasterxml", "Exception", "StreamReadConstraints",
          "Cannot construct instance", "java.", "snakeyaml", "`");
      assertThat(run.exitCode()).isPositive();
    }
  }

  @Test
  void helpShowsAnExampleAndTheExitCodes() {
    CliRun run = CliRun.of("lint", "--help");
    assertThat(run.out()).contains("Example:", "rollback-guard lint examples/", "*.test.yaml", "--max-file-size",
        "anchors, aliases and << merge keys", "`-` is standard input",
        "Exit codes: 0 all valid, 1 problems found, 2 a file cannot be read or parsed");
    assertThat(run.exitCode()).isZero();
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(CliRun.of("lint").exitCode()).isEqualTo(2);
  }
}
