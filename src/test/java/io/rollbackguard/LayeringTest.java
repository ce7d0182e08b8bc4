package io.rollbackguard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §5's layering, read from the sources: the API classes depend on nothing of the engine, and the decision has
 * no Kubernetes types. A class that breaks it compiles fine, so only this test says so.
 */
class LayeringTest {
  private static final Path MAIN = Path.of("src/main/java/io/rollbackguard");
  /** A reference to one of the project's classes, imported or fully qualified in code. */
  private static final Pattern PROJECT_REFERENCE =
      Pattern.compile("\\bio\\.rollbackguard\\.([a-z][\\w.]*?)\\.(?:[A-Z]|\\*)");
  private static final Pattern COMMENT_OR_STRING =
      Pattern.compile("(?s)/\\*.*?\\*/|//[^\\n]*|\"(?:\\\\.|[^\"\\\\\\n])*\"");
  private static final Pattern KUBERNETES_REFERENCE = Pattern.compile("\\b(io\\.fabric8|io\\.javaoperatorsdk)\\.");

  @Test
  void theApiClassesReferenceNoOtherPackageOfTheProject() {
    List<String> offending = new ArrayList<>();
    for (Path source : sources(MAIN.resolve("api"))) {
      Matcher m = PROJECT_REFERENCE.matcher(code(source));
      while (m.find()) {
        if (!m.group(1).equals("api") && !m.group(1).startsWith("api.")) {
          offending.add(MAIN.relativize(source) + ": io.rollbackguard." + m.group(1));
        }
      }
    }
    assertThat(offending).as("the api package must not depend on the engine").isEmpty();
  }

  @Test
  void theDecisionUsesNoKubernetesType() {
    List<String> offending = new ArrayList<>();
    for (Path source : sources(MAIN.resolve("verdict"))) {
      String code = code(source);
      Matcher k = KUBERNETES_REFERENCE.matcher(code);
      while (k.find()) {
        offending.add(MAIN.relativize(source) + ": " + k.group(1));
      }
      Matcher m = PROJECT_REFERENCE.matcher(code);
      while (m.find()) {
        String pkg = m.group(1);
        boolean allowed = pkg.equals("verdict") || pkg.startsWith("verdict.") || pkg.equals("api.status");
        if (!allowed) {
          offending.add(MAIN.relativize(source) + ": io.rollbackguard." + pkg);
        }
      }
    }
    assertThat(offending).as("the verdict package must stay a pure function of plain types").isEmpty();
  }

  @Test
  void theStatusTypesTheDecisionReadsHaveNoKubernetesTypeEither() {
    // verdict may use api.status; this keeps that door from letting a Kubernetes type in. RollbackPolicyStatus carries
    // Kubernetes Conditions, and the decision must not read it.
    List<String> used = new ArrayList<>();
    Pattern statusType = Pattern.compile("\\bio\\.rollbackguard\\.api\\.status\\.([A-Z]\\w*)");
    for (Path source : sources(MAIN.resolve("verdict"))) {
      Matcher m = statusType.matcher(code(source));
      while (m.find()) {
        used.add(m.group(1));
      }
    }
    assertThat(used).as("the decision's API types").isNotEmpty();
    List<String> offending = new ArrayList<>();
    for (String type : used.stream().distinct().toList()) {
      Path source = MAIN.resolve("api/status/" + type + ".java");
      if (KUBERNETES_REFERENCE.matcher(code(source)).find()) {
        offending.add(type);
      }
    }
    assertThat(offending).isEmpty();
  }

  @Test
  void theCheckSeesAReferenceInCodeButNotInACommentOrString() {
    assertThat(PROJECT_REFERENCE.matcher(stripCommentsAndStrings(
        "import io.rollbackguard.verdict.Finding;")).find()).isTrue();
    assertThat(PROJECT_REFERENCE.matcher(stripCommentsAndStrings(
        "x = new io.rollbackguard.operator.Foo();")).find()).isTrue();
    assertThat(PROJECT_REFERENCE.matcher(stripCommentsAndStrings(
        "/** see {@link io.rollbackguard.verdict.Policy} */ // io.rollbackguard.verdict.Policy\n"
            + "String s = \"io.rollbackguard.verdict.Policy\";")).find()).isFalse();
    assertThat(PROJECT_REFERENCE.matcher(stripCommentsAndStrings(
        "String url = \"http://x\"; io.rollbackguard.operator.Foo f;")).find()).isTrue();
    assertThat(PROJECT_REFERENCE.matcher(stripCommentsAndStrings("import io.rollbackguard.operator.*;")).find())
        .isTrue();
  }

  private static List<Path> sources(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      List<Path> sources = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
      assertThat(sources).as("sources under " + root).isNotEmpty();
      return sources;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String code(Path source) {
    try {
      return stripCommentsAndStrings(Files.readString(source));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Comments and string literals name classes without depending on them. */
  static String stripCommentsAndStrings(String java) {
    // one pass, so that a "//" inside a string is not taken for a comment
    return COMMENT_OR_STRING.matcher(java).replaceAll(m -> m.group().startsWith("\"") ? "\"\"" : " ");
  }
}
