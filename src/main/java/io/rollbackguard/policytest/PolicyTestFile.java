package io.rollbackguard.policytest;

import com.fasterxml.jackson.databind.JsonNode;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.manifest.ManifestReader;
import io.rollbackguard.manifest.UnreadableInputException;
import io.rollbackguard.policy.PolicyYaml;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A policy unit-test file (like {@code promtool test rules}): a policy, and cases of sample series in, verdict out.
 * Parsed by hand from the YAML tree ({@link TestFileReader}) so that every mistake is reported with its place, so that
 * {@code nan}, {@code .nan} and {@code _} can mean "no data", and so that a test the policy could not produce is
 * refused rather than run.
 */
public record PolicyTestFile(Path file, Path policyFile, RollbackPolicy policy, List<TestCase> tests) {

  /** Series of Kubernetes facts; every other series is a metric signal. */
  static final Set<String> KUBERNETES_SERIES = Set.of("availableReplicas", "crashLoopingPods", "rolloutStuck");

  /** A test or policy file that cannot be run: exit 2. The message is one line and names the file. */
  public static final class InvalidTestFileException extends Exception {
    public InvalidTestFileException(String message) {
      super(message);
    }
  }

  /** As the policy sees it: namespace and labels are defaulted to ones it selects. */
  public record Deployment(String name, String namespace, long revision, Long stableRevision, int replicas,
      Map<String, String> images, Map<String, String> stableImages, Map<String, String> labels,
      Map<String, String> annotations) {}

  /** A human annotation present from {@code atMillis} on. */
  public record Annotation(long atMillis, String value, String note) {}

  /**
   * @param intervalMillis null to sample at the policy's own interval
   * @param series signal name to values; NaN is "no data"
   * @param baseline signal name to its samples before the rollout, at the policy's interval, for the regression
   *     criteria; NaN is "no data"
   */
  public record TestCase(String name, Long intervalMillis, Deployment deployment, Map<String, List<Double>> series,
      Map<String, List<Double>> baseline, List<Annotation> declarations, List<Annotation> dismissals,
      Expect expect) {}

  /** Every field optional. {@code decideBy} and {@code firstActionAt} are durations after t=0; -1 for "none". */
  public record Expect(String action, String tier, String phase, Long firstActionAt, Long decideBy,
      List<String> procedureContains) {}

  public static PolicyTestFile load(Path file) throws InvalidTestFileException {
    return load(file, ManifestReader.defaults());
  }

  /** @param reader as lint reads: aliases, merge keys, the size limit given, - for standard input */
  public static PolicyTestFile load(Path file, ManifestReader reader) throws InvalidTestFileException {
    JsonNode root;
    try {
      root = reader.readOne(file);
    } catch (UnreadableInputException e) {
      throw new InvalidTestFileException(e.source() + ": " + e.getMessage());
    }
    TestFileReader r = new TestFileReader(file, null);
    if (root == null || !root.isObject()) {
      throw r.invalid("", "expected a mapping with policy and tests");
    }
    r.onlyKeys(root, "", "policy", "tests");
    String policyName = r.text(root, "policy", true);
    Path policyFile = file.toAbsolutePath().getParent().resolve(policyName).normalize();
    RollbackPolicy policy;
    try {
      policy = PolicyYaml.read(reader, policyFile);
    } catch (PolicyYaml.InvalidManifestException e) {
      throw new InvalidTestFileException(policyFile + ": " + e.getMessage());
    }
    r = new TestFileReader(file, policy);
    JsonNode tests = root.get("tests");
    if (tests == null || !tests.isArray() || tests.isEmpty()) {
      throw r.invalid("tests", "expected a non-empty list of tests");
    }
    List<TestCase> cases = new ArrayList<>();
    for (int i = 0; i < tests.size(); i++) {
      cases.add(r.testCase(tests.get(i), "tests[" + i + "]"));
    }
    return new PolicyTestFile(file, policyFile, policy, cases);
  }
}
