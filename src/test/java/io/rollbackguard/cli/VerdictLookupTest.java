package io.rollbackguard.cli;

import static io.rollbackguard.cli.IncidentCommandRun.FIXTURES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rollbackguard.manifest.InputLimits;
import io.rollbackguard.manifest.ManifestReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A saved verdict is read as lint reads a manifest: every document, a List's items, aliases, and - for stdin. */
class VerdictLookupTest {
  static final Path BREACHED = FIXTURES.resolve("checkout-breached.yaml");

  @TempDir Path dir;

  private final StringWriter err = new StringWriter();

  /** The fixture's List, saved instead as one document per object (`kubectl get ... -o yaml` once per object). */
  private String asDocuments() throws IOException {
    String list = Files.readString(BREACHED);
    String items = list.substring(list.indexOf("\nitems:\n") + "\nitems:\n".length());
    return java.util.Arrays.stream(items.split("\n(?=- )")).map(item -> item.substring(2).lines()
        .map(line -> line.startsWith("  ") ? line.substring(2) : line).collect(Collectors.joining("\n")))
        .collect(Collectors.joining("\n---\n", "", "\n"));
  }

  @Test
  void everyDocumentOfASavedFileIsReadNotOnlyTheFirst() throws Exception {
    Path file = Files.writeString(dir.resolve("rv.yaml"), asDocuments());
    VerdictLookup.Found found = VerdictLookup.fromFile(file, "shop", "checkout-worker", new PrintWriter(err));
    assertThat(found.verdict().getMetadata().getName()).isEqualTo("checkout-worker"); // the second document
    assertThat(found.policy()).isNotNull(); // the third
    CliRun asList = IncidentCommandRun.run(new RunbookCommand(), RunbookCommandTest.DURING_THE_INCIDENT,
        "--from-file", BREACHED.toString(), "checkout");
    CliRun asDocuments = IncidentCommandRun.run(new RunbookCommand(), RunbookCommandTest.DURING_THE_INCIDENT,
        "--from-file", file.toString(), "checkout");
    // the same document, but for the name of the file its times are read from
    assertThat(asDocuments.out().replace("in rv.yaml for", "in " + BREACHED.getFileName() + " for"))
        .isEqualTo(asList.out());
  }

  @Test
  void dashReadsTheSavedVerdictFromStandardInput() throws Exception {
    InputStream stdin = new ByteArrayInputStream(Files.readAllBytes(BREACHED));
    VerdictLookup.Found found = VerdictLookup.fromFile(new ManifestReader(InputLimits.DEFAULT, stdin), Path.of("-"),
        null, null, new PrintWriter(err));
    assertThat(found.verdict().getMetadata().getName()).isEqualTo("checkout");
    assertThat(err.toString()).startsWith("note: the file holds 2 RolloutVerdicts");
  }

  @Test
  void aSavedFileThatCannotBeReadSaysWhereAndExitsTwo() throws IOException {
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "apiVersion: rollbackguard.io/v1alpha1\nkind: RolloutVerdict\n"
        + "metadata: {name: checkout, namespace: shop}\nstatus: {revision: [7]}\n");
    assertThatThrownBy(() -> VerdictLookup.fromFile(bad, null, null, new PrintWriter(err)))
        .isInstanceOf(VerdictLookup.LookupException.class)
        .hasMessage(bad + ": status.revision: expected a whole number, got a list, at line 4, column 20")
        .extracting(e -> ((VerdictLookup.LookupException) e).exitCode).isEqualTo(2);
    InputStream endless = new EndlessInput();
    assertThatThrownBy(() -> VerdictLookup.fromFile(new ManifestReader(InputLimits.DEFAULT, endless), Path.of("-"),
        null, null, new PrintWriter(err)))
        .hasMessage("<stdin>: more than 8 MiB (reading stopped there), over the limit of 8 MiB for one input");
  }

  @Test
  void aSavedFileOfNothingButAPolicySaysWhereVerdictsAreNow() throws IOException {
    Path policy = Files.writeString(dir.resolve("rbp.yaml"), "apiVersion: rollbackguard.io/v1alpha1\n"
        + "kind: RollbackPolicy\nmetadata: {name: checkout, namespace: shop}\n");
    assertThatThrownBy(() -> VerdictLookup.fromFile(policy, null, null, new PrintWriter(err))).hasMessage(policy
        + " holds no RolloutVerdict (a RollbackPolicy holds only the summary now); save one with: kubectl get rv NAME"
        + " -n NS -o yaml");
  }

  /** Never ends. */
  private static final class EndlessInput extends InputStream {
    @Override
    public int read() {
      return 'y';
    }

    @Override
    public int read(byte[] b, int off, int len) {
      java.util.Arrays.fill(b, off, off + len, (byte) 'y');
      return len;
    }
  }
}
