package io.rollbackguard.policytest;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.Tier;
import io.rollbackguard.operator.VerdictReconciler;
import io.rollbackguard.policytest.PolicyTestFile.Annotation;
import io.rollbackguard.policytest.PolicyTestFile.Deployment;
import io.rollbackguard.policytest.PolicyTestFile.Expect;
import io.rollbackguard.policytest.PolicyTestFile.InvalidTestFileException;
import io.rollbackguard.policytest.PolicyTestFile.TestCase;
import io.rollbackguard.signals.KubernetesSignals;
import io.rollbackguard.verdict.Declaration;
import io.rollbackguard.verdict.DurationFormat;
import io.rollbackguard.verdict.Signals;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reads a test file's tree against its policy, naming the place of every problem: a test that the policy could not
 * produce (a Deployment it would not select, a declaration, action, phase, tier or signal that does not exist) is
 * invalid, not a test that quietly passes or fails.
 */
final class TestFileReader {
  private final Path file;
  private final RollbackPolicy policy;
  private final Set<String> knownSignals;
  private final Set<String> regressionSignals;
  /** The name of the test being read, for messages; null outside a test. */
  private String test;

  TestFileReader(Path file, RollbackPolicy policy) {
    this.file = file;
    this.policy = policy;
    this.knownSignals = knownSignals(policy);
    this.regressionSignals = regressionSignals(policy);
  }

  /** The metric signals the policy's regression criteria read: those a test may give a baseline for. */
  private static Set<String> regressionSignals(RollbackPolicy policy) {
    Set<String> out = new TreeSet<>();
    if (policy != null && policy.getSpec() != null) {
      var compiled = io.rollbackguard.policy.PolicyCompiler.compile(policy.getSpec(), true);
      if (compiled.valid()) {
        compiled.policy().criteria().stream().filter(c -> c.regression() != null)
            .forEach(c -> out.add(c.regression().signal()));
      }
    }
    return out;
  }

  /**
   * The series a test may give: the Kubernetes facts, the built-in metric signals, the policy's custom ones and its
   * burn-rate windows.
   */
  private static Set<String> knownSignals(RollbackPolicy policy) {
    Set<String> known = new TreeSet<>(PolicyTestFile.KUBERNETES_SERIES);
    known.addAll(List.of(Signals.ERROR_RATE, Signals.LATENCY_P95, Signals.REQUEST_RATE));
    var signals = policy == null || policy.getSpec() == null ? null : policy.getSpec().signals;
    if (signals != null && signals.custom != null) {
      signals.custom.stream().filter(c -> c != null && c.name != null).forEach(c -> known.add(c.name));
    }
    // The burn-rate windows' ratios (errorRate@1h, errorRate@5m) are series of their own, as they are signals.
    if (policy != null && policy.getSpec() != null && policy.getSpec().slo != null) {
      var compiled = io.rollbackguard.policy.PolicyCompiler.compile(policy.getSpec(), true);
      if (compiled.valid()) {
        compiled.policy().usedMetricSignals().stream().filter(Signals::isWindowSignal).forEach(known::add);
      }
    }
    return known;
  }

  InvalidTestFileException invalid(String path, String message) {
    return new InvalidTestFileException(file + ": " + (path.isEmpty() ? "" : path + ": ") + message
        + (test == null ? "" : ", in test '" + test + "'"));
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
    test = null;
    if (!t.isObject()) {
      throw invalid(path, "expected a mapping");
    }
    test = t.hasNonNull("name") ? t.get("name").asText() : null;
    onlyKeys(t, path, "name", "interval", "deployment", "series", "baseline", "declare", "dismiss", "expect");
    String name = test != null ? test : path;
    Long interval = t.hasNonNull("interval") ? duration(t.get("interval"), path + ".interval") : null;
    if (interval != null && interval <= 0) {
      throw invalid(path + ".interval", "must be longer than 0s");
    }
    Deployment deployment = deployment(t.get("deployment"), path + ".deployment");
    Map<String, List<Double>> series = series(t.get("series"), path + ".series");
    Map<String, List<Double>> baseline = baseline(t.get("baseline"), path + ".baseline");
    List<Annotation> declarations = annotations(t.get("declare"), path + ".declare", true);
    List<Annotation> dismissals = annotations(t.get("dismiss"), path + ".dismiss", false);
    Expect expect = expect(t.get("expect"), path + ".expect");
    test = null;
    return new TestCase(name, interval, deployment, series, baseline, declarations, dismissals, expect);
  }

  /**
   * The Deployment, as the policy would see it: in the policy's namespace unless the test names one (which must be
   * the policy's), with labels its selector selects (the selector's own values when the test gives none).
   */
  Deployment deployment(JsonNode d, String path) throws InvalidTestFileException {
    if (d == null || !d.isObject() || !d.hasNonNull("name")) {
      throw invalid(path + ".name", "required");
    }
    onlyKeys(d, path, "name", "namespace", "revision", "stableRevision", "replicas", "images", "stableImages",
        "labels", "annotations");
    String policyNamespace = policy.getMetadata() == null ? null : policy.getMetadata().getNamespace();
    String namespace = d.hasNonNull("namespace") ? d.get("namespace").asText()
        : policyNamespace != null ? policyNamespace : "default";
    if (policyNamespace != null && !policyNamespace.equals(namespace)) {
      throw invalid(path + ".namespace", "'" + namespace + "' is not the policy's namespace '" + policyNamespace
          + "': the policy guards Deployments of its own namespace only (leave namespace out, or use "
          + policyNamespace + ")");
    }
    Map<String, String> labels = strings(d.get("labels"), path + ".labels");
    LabelSelector selector = policy.getSpec() == null ? null : policy.getSpec().selector;
    if (labels.isEmpty()) {
      Map<String, String> satisfying = PolicySelection.satisfying(selector);
      if (satisfying == null) {
        throw invalid(path + ".labels", "required: no labels picked from the policy's selector ("
            + PolicySelection.describe(selector) + ") satisfy it; give labels it selects");
      }
      labels = satisfying;
    } else if (!PolicySelection.selects(selector, labels)) {
      throw invalid(path + ".labels", labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
          .collect(Collectors.joining(", ", "{", "}")) + " is not selected by the policy's selector ("
          + PolicySelection.describe(selector) + "): the policy would never judge this Deployment (leave labels out"
          + " to get labels it selects)");
    }
    Map<String, String> annotations = strings(d.get("annotations"), path + ".annotations");
    humanAnnotations(annotations, path + ".annotations");
    return new Deployment(d.get("name").asText(), namespace,
        d.hasNonNull("revision") ? integer(d.get("revision"), path + ".revision") : 1,
        d.hasNonNull("stableRevision") ? (Long) integer(d.get("stableRevision"), path + ".stableRevision") : null,
        d.hasNonNull("replicas") ? (int) integer(d.get("replicas"), path + ".replicas") : 1,
        strings(d.get("images"), path + ".images"), strings(d.get("stableImages"), path + ".stableImages"),
        labels, annotations);
  }

  /** The annotations people set act through the test's own lists; as plain annotations they would be ignored. */
  private void humanAnnotations(Map<String, String> annotations, String path) throws InvalidTestFileException {
    for (String key : List.of(KubernetesSignals.DECLARE, KubernetesSignals.DECLARE_NOTE)) {
      if (annotations.containsKey(key)) {
        throw invalid(path + "." + key, "a test declares with its declare list: declare: [{at: 0s, value: ..., note:"
            + " ...}]");
      }
    }
    if (annotations.containsKey(KubernetesSignals.DISMISS)) {
      throw invalid(path + "." + KubernetesSignals.DISMISS, "a test dismisses with its dismiss list: dismiss: [{at:"
          + " 5m}]");
    }
    if ("true".equalsIgnoreCase(String.valueOf(annotations.get(VerdictReconciler.SKIP)).trim())) {
      throw invalid(path + "." + VerdictReconciler.SKIP, "a skipped Deployment is not guarded: the policy would not"
          + " judge it");
    }
  }

  Map<String, List<Double>> series(JsonNode s, String path) throws InvalidTestFileException {
    if (s == null || !s.isObject() || s.isEmpty()) {
      throw invalid(path, "required: at least one series of samples");
    }
    Map<String, List<Double>> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String p = path + "." + e.getKey();
      if (!knownSignals.contains(e.getKey())) {
        throw invalid(p, "unknown signal (known: " + String.join(", ", knownSignals) + ")");
      }
      out.put(e.getKey(), values(e.getValue(), p));
    }
    if (out.values().stream().allMatch(List::isEmpty)) {
      throw invalid(path, "every series is empty: a test needs at least one sample (the number of samples is the"
          + " longest series)");
    }
    return out;
  }

  /**
   * The baseline samples of the signals the policy's regression criteria read: {@code baseline: {latencyP95:
   * "0.08x120"}}, the points the operator's range query would give, oldest first.
   */
  Map<String, List<Double>> baseline(JsonNode b, String path) throws InvalidTestFileException {
    Map<String, List<Double>> out = new LinkedHashMap<>();
    if (b == null || b.isNull()) {
      return out;
    }
    if (!b.isObject()) {
      throw invalid(path, "expected a mapping of signal to samples, e.g. {latencyP95: \"0.08x120\"}");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = b.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String p = path + "." + e.getKey();
      if (!regressionSignals.contains(e.getKey())) {
        throw invalid(p, regressionSignals.isEmpty() ? "the policy has no regression criterion to compare with a"
            + " baseline" : "no regression criterion of the policy reads this signal (they read: "
            + String.join(", ", regressionSignals) + ")");
      }
      out.put(e.getKey(), values(e.getValue(), p));
    }
    return out;
  }

  /**
   * A series: a list, a string in promtool's notation ({@code "0.01+0x40 0.08x10"}), or a single number; a list's
   * items may be notation strings too. An empty or null series has no data. NaN is no data.
   */
  private List<Double> values(JsonNode v, String path) throws InvalidTestFileException {
    List<Double> out = new ArrayList<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (v.isArray()) {
      for (int i = 0; i < v.size(); i++) {
        value(v.get(i), path + "[" + i + "]", out);
      }
    } else if (v.isValueNode()) {
      value(v, path, out);
    } else {
      throw invalid(path, "expected a list of values, or a string such as '0.01+0x40 0.08x10'");
    }
    if (out.size() > SeriesNotation.MAX_SAMPLES) {
      throw invalid(path, "more than " + SeriesNotation.MAX_SAMPLES + " samples: is a count too large?");
    }
    return out;
  }

  private void value(JsonNode v, String path, List<Double> out) throws InvalidTestFileException {
    if (v.isNumber()) {
      out.add(v.asDouble());
    } else if (v.isNull()) {
      out.add(Double.NaN);
    } else if (v.isTextual()) {
      try {
        SeriesNotation.expand(v.asText(), out);
      } catch (SeriesNotation.NotationException e) {
        throw invalid(path, e.getMessage());
      }
    } else {
      throw invalid(path, "'" + v + "' is not a value (use a number, nan or _ for no data, or e.g. 0.01+0x40)");
    }
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
      String value = null;
      if (withValue) {
        onlyKeys(a, p, "at", "value", "note");
        if (!a.hasNonNull("value")) {
          throw invalid(p + ".value", "required");
        }
        value = a.get("value").asText();
        if (Declaration.parse(value).isEmpty()) {
          throw invalid(p + ".value", "'" + value + "' is not a declaration (one of: " + Declaration.knownValues()
              + ")");
        }
      } else {
        onlyKeys(a, p, "at");
      }
      out.add(new Annotation(duration(a.get("at"), p + ".at"), value,
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
    return new Expect(
        oneOf(e, "action", path, "an action", names(Action.values())),
        oneOf(e, "tier", path, "a tier", with(names(Tier.values()), "none")),
        oneOf(e, "phase", path, "a phase", names(Phase.values())),
        optionalDuration(e.get("firstActionAt"), path + ".firstActionAt"),
        optionalDuration(e.get("decideBy"), path + ".decideBy"), contains);
  }

  /** The value of {@code key} if it is one of {@code known}; a misspelt one would be a failure that never passes. */
  private String oneOf(JsonNode n, String key, String path, String what, List<String> known)
      throws InvalidTestFileException {
    if (!n.hasNonNull(key)) {
      return null;
    }
    String value = n.get(key).asText();
    if (!known.contains(value)) {
      throw invalid(path + "." + key, "'" + value + "' is not " + what + " (one of: " + String.join(", ", known)
          + ")");
    }
    return value;
  }

  private static List<String> names(Enum<?>[] values) {
    return Arrays.stream(values).map(Enum::name).toList();
  }

  private static List<String> with(List<String> names, String extra) {
    List<String> out = new ArrayList<>(names);
    out.add(extra);
    return out;
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
      throw invalid(path, "must be a whole number, 0 or more; got '" + n.asText() + "'");
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
