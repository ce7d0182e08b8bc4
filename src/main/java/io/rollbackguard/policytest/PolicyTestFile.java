package io.rollbackguard.policytest;

import com.fasterxml.jackson.databind.JsonNode;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.manifest.ManifestReader;
import io.rollbackguard.manifest.UnreadableInputException;
import io.rollbackguard.policy.PolicyYaml;
import io.rollbackguard.verdict.DurationFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A policy unit-test file (like {@code promtool test rules}): a policy, and cases of sample series in, verdict out.
 * Parsed by hand from the YAML tree so that every mistake is reported with its place, and so that {@code nan},
 * {@code .nan} and {@code _} can mean "no data".
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

  public record Deployment(String name, String namespace, long revision, Long stableRevision, int replicas,
      Map<String, String> images, Map<String, String> stableImages, Map<String, String> labels,
      Map<String, String> annotations) {}

  /** A human annotation present from {@code atMillis} on. */
  public record Annotation(long atMillis, String value, String note) {}

  /**
   * @param intervalMillis null to sample at the policy's own interval
   * @param series signal name to values; NaN is "no data"
   */
  public record TestCase(String name, Long intervalMillis, Deployment deployment, Map<String, List<Double>> series,
      List<Annotation> declarations, List<Annotation> dismissals, Expect expect) {}

  /** Every field optional. {@code decideBy} and {@code firstActionAt} are durations after t=0; -1 for "none". */
  public record Expect(String action, String tier, String phase, Long firstActionAt, Long decideBy,
      List<String> procedureContains) {}

  public static PolicyTestFile load(Path file) throws InvalidTestFileException {
    JsonNode root;
    try {
      root = ManifestReader.defaults().readOne(file); // as lint reads: aliases, merge keys, limits, - for stdin
    } catch (UnreadableInputException e) {
      throw new InvalidTestFileException(e.source() + ": " + e.getMessage());
    }
    Reader r = new Reader(file);
    if (root == null || !root.isObject()) {
      throw r.invalid("", "expected a mapping with policy and tests");
    }
    r.onlyKeys(root, "", "policy", "tests");
    String policyName = r.text(root, "policy", true);
    Path policyFile = file.toAbsolutePath().getParent().resolve(policyName).normalize();
    RollbackPolicy policy;
    try {
      policy = PolicyYaml.read(policyFile);
    } catch (PolicyYaml.InvalidManifestException e) {
      throw new InvalidTestFileException(policyFile + ": " + e.getMessage());
    }
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

  /** Reads the tree, naming the place of every problem. */
  private static final class Reader {
    private final Path file;

    Reader(Path file) {
      this.file = file;
    }

    InvalidTestFileException invalid(String path, String message) {
      return new InvalidTestFileException(file + ": " + (path.isEmpty() ? "" : path + ": ") + message);
    }

    void onlyKeys(JsonNode node, String path, String... keys) throws InvalidTestFileException {
      Set<String> known = Set.of(keys);
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!known.contains(key)) {
          throw invalid(path.isEmpty() ? key : path + "." + key, "unknown field (known: " + String.join(", ", keys)
              + ")");
        }
      }
    }

    String text(JsonNode parent, String key, boolean required) throws InvalidTestFileException {
      JsonNode n = parent.get(key);
      if (n == null || n.isNull()) {
        if (required) {
          throw invalid(key, "required");
        }
        return null;
      }
      if (!n.isValueNode()) {
        throw invalid(key, "expected a single value");
      }
      return n.asText();
    }

    TestCase testCase(JsonNode t, String path) throws InvalidTestFileException {
      if (!t.isObject()) {
        throw invalid(path, "expected a mapping");
      }
      onlyKeys(t, path, "name", "interval", "deployment", "series", "declare", "dismiss", "expect");
      String name = t.hasNonNull("name") ? t.get("name").asText() : path;
      Long interval = t.hasNonNull("interval") ? duration(t.get("interval"), path + ".interval") : null;
      if (interval != null && interval <= 0) {
        throw invalid(path + ".interval", "must be longer than 0s");
      }
      Deployment deployment = deployment(t.get("deployment"), path + ".deployment");
      Map<String, List<Double>> series = series(t.get("series"), path + ".series");
      List<Annotation> declarations = annotations(t.get("declare"), path + ".declare", true);
      List<Annotation> dismissals = annotations(t.get("dismiss"), path + ".dismiss", false);
      Expect expect = expect(t.get("expect"), path + ".expect");
      return new TestCase(name, interval, deployment, series, declarations, dismissals, expect);
    }

    Deployment deployment(JsonNode d, String path) throws InvalidTestFileException {
      if (d == null || !d.isObject() || !d.hasNonNull("name")) {
        throw invalid(path + ".name", "required");
      }
      onlyKeys(d, path, "name", "namespace", "revision", "stableRevision", "replicas", "images", "stableImages",
          "labels", "annotations");
      return new Deployment(d.get("name").asText(),
          d.hasNonNull("namespace") ? d.get("namespace").asText() : "default",
          d.hasNonNull("revision") ? integer(d.get("revision"), path + ".revision") : 1,
          d.hasNonNull("stableRevision") ? (Long) integer(d.get("stableRevision"), path + ".stableRevision") : null,
          d.hasNonNull("replicas") ? (int) integer(d.get("replicas"), path + ".replicas") : 1,
          strings(d.get("images"), path + ".images"), strings(d.get("stableImages"), path + ".stableImages"),
          strings(d.get("labels"), path + ".labels"), strings(d.get("annotations"), path + ".annotations"));
    }

    Map<String, List<Double>> series(JsonNode s, String path) throws InvalidTestFileException {
      if (s == null || !s.isObject() || s.isEmpty()) {
        throw invalid(path, "required: at least one series of samples");
      }
      Map<String, List<Double>> out = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String p = path + "." + e.getKey();
        if (!e.getValue().isArray()) {
          throw invalid(p, "expected a list of values");
        }
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < e.getValue().size(); i++) {
          values.add(sampleValue(e.getValue().get(i), p + "[" + i + "]"));
        }
        out.put(e.getKey(), values);
      }
      return out;
    }

    /** A number, or NaN for no data ({@code nan}, {@code NaN}, {@code .nan}, {@code _}). */
    Double sampleValue(JsonNode v, String path) throws InvalidTestFileException {
      if (v.isNumber()) {
        return v.asDouble();
      }
      if (v.isTextual()) {
        String t = v.asText().trim();
        if (t.equals("_") || t.equalsIgnoreCase("nan") || t.equalsIgnoreCase(".nan")) {
          return Double.NaN;
        }
      }
      throw invalid(path, "'" + v.asText() + "' is not a number (use nan or _ for no data)");
    }

    List<Annotation> annotations(JsonNode list, String path, boolean withValue) throws InvalidTestFileException {
      List<Annotation> out = new ArrayList<>();
      if (list == null || list.isNull()) {
        return out;
      }
      if (!list.isArray()) {
        throw invalid(path, "expected a list");
      }
      for (int i = 0; i < list.size(); i++) {
        JsonNode a = list.get(i);
        String p = path + "[" + i + "]";
        if (!a.isObject() || !a.hasNonNull("at")) {
          throw invalid(p + ".at", "required");
        }
        if (withValue) {
          onlyKeys(a, p, "at", "value", "note");
          if (!a.hasNonNull("value")) {
            throw invalid(p + ".value", "required");
          }
        } else {
          onlyKeys(a, p, "at");
        }
        out.add(new Annotation(duration(a.get("at"), p + ".at"), withValue ? a.get("value").asText() : null,
            a.hasNonNull("note") ? a.get("note").asText() : null));
      }
      return out;
    }

    Expect expect(JsonNode e, String path) throws InvalidTestFileException {
      if (e == null || !e.isObject()) {
        throw invalid(path, "required: what the verdict must be after the last sample");
      }
      onlyKeys(e, path, "action", "tier", "phase", "firstActionAt", "decideBy", "procedureContains");
      List<String> contains = new ArrayList<>();
      JsonNode pc = e.get("procedureContains");
      if (pc != null && pc.isArray()) {
        pc.forEach(n -> contains.add(n.asText()));
      } else if (pc != null && !pc.isNull()) {
        contains.add(pc.asText());
      }
      return new Expect(textOrNull(e, "action"), textOrNull(e, "tier"), textOrNull(e, "phase"),
          optionalDuration(e.get("firstActionAt"), path + ".firstActionAt"),
          optionalDuration(e.get("decideBy"), path + ".decideBy"), contains);
    }

    private static String textOrNull(JsonNode n, String key) {
      return n.hasNonNull(key) ? n.get(key).asText() : null;
    }

    Long optionalDuration(JsonNode n, String path) throws InvalidTestFileException {
      if (n == null || n.isNull()) {
        return null;
      }
      if (n.isTextual() && n.asText().equalsIgnoreCase("none")) {
        return -1L;
      }
      return duration(n, path);
    }

    /** A duration string, or a number of seconds. */
    long duration(JsonNode n, String path) throws InvalidTestFileException {
      if (n.isNumber() && n.asDouble() >= 0) {
        return Math.round(n.asDouble() * 1000);
      }
      long millis = n.isTextual() ? DurationFormat.parseMillis(n.asText()) : -1;
      if (millis < 0) {
        throw invalid(path, "'" + n.asText() + "' is not a duration (use e.g. 30s, 1m30s, 1500ms)");
      }
      return millis;
    }

    long integer(JsonNode n, String path) throws InvalidTestFileException {
      if (!n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < 0) {
        throw invalid(path, "'" + n.asText() + "' is not a whole number");
      }
      return n.asLong();
    }

    Map<String, String> strings(JsonNode n, String path) throws InvalidTestFileException {
      Map<String, String> out = new LinkedHashMap<>();
      if (n == null || n.isNull()) {
        return out;
      }
      if (!n.isObject()) {
        throw invalid(path, "expected a mapping");
      }
      n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
      return out;
    }
  }
}
