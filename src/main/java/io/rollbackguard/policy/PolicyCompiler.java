package io.rollbackguard.policy;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.api.spec.ConditionCriterionSpec;
import io.rollbackguard.api.spec.CustomCriterionSpec;
import io.rollbackguard.api.spec.MetricCriterionSpec;
import io.rollbackguard.api.spec.ObservationSpec;
import io.rollbackguard.api.spec.RollbackPolicySpec;
import io.rollbackguard.api.spec.SignalsSpec;
import io.rollbackguard.api.spec.TierSpec;
import io.rollbackguard.api.spec.TiersSpec;
import io.rollbackguard.api.status.Tier;
import io.rollbackguard.notify.NotificationRules;
import io.rollbackguard.policy.DefaultCriteria.Default;
import io.rollbackguard.procedure.ProcedureOptions;
import io.rollbackguard.signals.MetricQueries;
import io.rollbackguard.signals.QueryTemplate;
import io.rollbackguard.verdict.Criterion;
import io.rollbackguard.verdict.DurationFormat;
import io.rollbackguard.verdict.Policy;
import io.rollbackguard.verdict.Signals;
import io.rollbackguard.verdict.Watch;
import io.rollbackguard.verdict.burn.ErrorBudget;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Merges a policy with the default criteria and validates the result: the one implementation the operator, lint and
 * test share. Every problem names its field.
 */
public final class PolicyCompiler {
  private static final Tier[] BY_SEVERITY = {Tier.immediate, Tier.rapid, Tier.evaluate};
  private static final List<String> METRIC_KEYS = List.of(Signals.ERROR_RATE, Signals.LATENCY_P95);
  private static final List<String> CONDITION_KEYS =
      List.of(Signals.SERVICE_DOWN, Signals.ROLLOUT_STUCK, Signals.CRASH_LOOPING);

  /** Names a custom signal may not take: they denote Kubernetes observations. */
  private static final Set<String> RESERVED = Set.of(Signals.SERVICE_DOWN, Signals.ROLLOUT_STUCK,
      Signals.CRASH_LOOPING, Signals.DECLARATION, Signals.SAMPLES);

  private PolicyCompiler() {}

  /**
   * @param metricsConfiguredElsewhere whether a Prometheus URL comes from outside the policy (run --prometheus-url,
   *     PROMETHEUS_URL, or a policy test that gives metric series)
   */
  public static CompiledPolicy compile(RollbackPolicySpec spec, boolean metricsConfiguredElsewhere) {
    return compile(spec, metricsConfiguredElsewhere, Map.of());
  }

  /**
   * The whole manifest: its name and namespace as well as its spec.
   *
   * @see #compile(RollbackPolicySpec, boolean, Map)
   */
  public static CompiledPolicy compile(RollbackPolicy policy, boolean metricsConfiguredElsewhere,
      Map<String, String> defaultQueries) {
    List<PolicyProblem> naming = metadata(policy.getMetadata());
    CompiledPolicy compiled = compile(policy.getSpec(), metricsConfiguredElsewhere, defaultQueries);
    if (naming.isEmpty()) {
      return compiled;
    }
    List<PolicyProblem> all = new ArrayList<>(naming);
    all.addAll(compiled.problems());
    return CompiledPolicy.invalid(all, compiled.warnings());
  }

  /**
   * What the API server refuses in a policy's name and namespace (a custom resource's name is a DNS-1123 subdomain,
   * a namespace a DNS-1123 label), and what the operator needs of the name: it is the value of the label
   * rollbackguard.io/policy on the policy's RolloutVerdicts, and label values have at most 63 characters.
   */
  public static List<PolicyProblem> metadata(ObjectMeta metadata) {
    Problems found = new Problems();
    String name = metadata == null ? null : metadata.getName();
    if (name == null || name.isBlank()) {
      found.add("metadata.name", "required");
    } else if (KubernetesNames.subdomain("policy name", name, "checkout") != null) {
      found.add("metadata.name", KubernetesNames.subdomain("policy name", name, "checkout"));
    } else if (name.length() > 63) {
      found.add("metadata.name", "is too long: at most 63 characters, got " + name.length() + " (it is the value"
          + " of the label " + RolloutVerdict.POLICY_LABEL + " on the policy's RolloutVerdicts)");
    }
    String namespace = metadata == null ? null : metadata.getNamespace();
    if (namespace != null) {
      found.addIfAny("metadata.namespace", KubernetesNames.label("namespace name", namespace));
    }
    return found.list;
  }

  /**
   * Why an operator-wide default query ({@code run --default-query}) cannot be used, or null: its placeholders and
   * its PromQL, checked as a policy's own query is (with the default rateWindow).
   */
  public static String defaultQueryProblem(String query) {
    return QueryChecks.operatorDefaultProblem(query);
  }

  /**
   * @param defaultQueries operator-wide queries (signal name to template) for the built-in signals a policy names no
   *     query for; the built-in defaults where absent
   */
  public static CompiledPolicy compile(RollbackPolicySpec spec, boolean metricsConfiguredElsewhere,
      Map<String, String> defaultQueries) {
    Problems problems = new Problems();
    if (spec == null) {
      problems.add("spec", "required");
      return CompiledPolicy.invalid(problems.list);
    }
    SelectorChecks.check(spec.selector, problems);
    boolean metrics = metricsConfiguredElsewhere || (spec.prometheus != null && spec.prometheus.url != null);
    SpecChecks.prometheus(spec.prometheus, problems);
    Set<String> knownSignals = knownSignals(spec.signals, problems);
    List<PolicyProblem> warnings = new ArrayList<>();
    Map<String, QueryTemplate> templates = QueryChecks.templates(spec.signals, defaultQueries, problems, warnings);

    ObservationSpec obs = spec.observation == null ? new ObservationSpec() : spec.observation;
    long initialDelay = problems.duration("spec.observation.initialDelay", obs.initialDelay,
        DefaultCriteria.INITIAL_DELAY_MILLIS);
    long window = problems.duration("spec.observation.window", obs.window, DefaultCriteria.WINDOW_MILLIS);
    long interval = problems.duration("spec.observation.interval", obs.interval, DefaultCriteria.INTERVAL_MILLIS);
    checkTiming(initialDelay, window, interval, problems);
    Watch watch = WatchChecks.watch(obs.watch, interval, problems, warnings);
    Regressions.Timing timing = new Regressions.Timing(initialDelay, window, interval,
        QueryChecks.rateWindow(spec.signals));
    double minRequestRate = obs.minRequestRate == null ? 0 : obs.minRequestRate;
    if (minRequestRate < 0 || !Double.isFinite(minRequestRate)) {
      problems.add("spec.observation.minRequestRate", "must be a number of requests per second, 0 or more");
    }

    ErrorBudget budget = BurnRates.budget(spec.slo, problems);
    TiersSpec tiers = spec.tiers == null ? new TiersSpec() : spec.tiers;
    List<Criterion> criteria = new ArrayList<>();
    Map<String, String> named = new java.util.HashMap<>();
    Map<Tier, Long> decideWithin = new EnumMap<>(Tier.class);
    for (Tier tier : BY_SEVERITY) {
      TierSpec t = tierSpec(tiers, tier);
      String path = "spec.tiers." + tier;
      long within = problems.duration(path + ".decideWithin", t == null ? null : t.decideWithin,
          tier.defaultDecideWithin() == null ? -1 : tier.defaultDecideWithin().toMillis());
      if (within >= 0) {
        decideWithin.put(tier, within);
      }
      mergeTier(tier, t, path, knownSignals, criteria, named, problems);
      BurnRates.merge(tier, t, path, spec.slo != null, budget, criteria, named, problems);
      Regressions.merge(tier, t, path, knownSignals, timing, criteria, named, problems);
    }
    SpecChecks.tierOrder(criteria, decideWithin, problems);
    ProcedureOptions procedure = SpecChecks.procedure(spec.procedure, problems);
    NotificationRules notifications = SpecChecks.notifications(spec.notifications, problems);

    if (!metrics) {
      criteria.removeIf(c -> !c.condition());
    }
    Set<String> used = new LinkedHashSet<>();
    if (metrics) {
      for (Criterion c : criteria) {
        if (c.burn() != null) {
          used.add(c.burn().longSignal());
          used.add(c.burn().shortSignal());
        } else if (c.metricSignal() != null) {
          used.add(c.metricSignal());
        }
      }
      if (minRequestRate > 0) {
        used.add(Signals.REQUEST_RATE);
      }
    }
    HoldChecks.fitInWindow(criteria, named, initialDelay, window, interval, watch, problems, warnings);
    QueryTemplate errorRate = templates.get(Signals.ERROR_RATE);
    if (used.stream().anyMatch(Signals::isWindowSignal) && errorRate != null && !errorRate.usesWindow()) {
      problems.add("spec.signals.errorRate.query", "burnRate criteria read it over their windows: use {{window}}"
          + " as its range, e.g. rate(...[{{window}}])");
    }
    if (!problems.list.isEmpty()) {
      return CompiledPolicy.invalid(problems.list, warnings);
    }
    Map<String, QueryTemplate> usedTemplates = new java.util.HashMap<>();
    Map<String, Long> windows = new java.util.HashMap<>();
    for (String signal : used) {
      usedTemplates.put(signal, templates.get(Signals.base(signal)));
    }
    criteria.stream().filter(c -> c.burn() != null).forEach(c -> {
      windows.put(c.burn().longSignal(), c.burn().rate().longWindowMillis());
      windows.put(c.burn().shortSignal(), c.burn().rate().shortWindowMillis());
    });
    MetricQueries queries = new MetricQueries(usedTemplates, QueryChecks.rateWindow(spec.signals),
        QueryChecks.groupBy(spec.signals), windows, interval);
    Policy policy = new Policy(initialDelay, window, interval, minRequestRate,
        obs.onNoData == ObservationSpec.OnNoData.Ignore, metrics, criteria, decideWithin, used,
        !procedure.featureFlags().isEmpty(), watch);
    return new CompiledPolicy(policy, procedure, queries, List.of(), warnings, notifications);
  }

  private static void checkTiming(long initialDelay, long window, long interval, Problems problems) {
    if (interval >= 0 && interval < DefaultCriteria.MIN_INTERVAL_MILLIS) {
      problems.add("spec.observation.interval", "must be at least 1s");
    }
    if (window == 0) {
      problems.add("spec.observation.window", "must be longer than 0s");
    } else if (window > 0 && interval > 0 && window < interval) {
      problems.add("spec.observation.window", "must be at least one interval ("
          + DurationFormat.format(interval) + ")");
    }
    if (initialDelay > 0 && window > 0 && initialDelay >= window) {
      problems.add("spec.observation.initialDelay", "must be shorter than the window ("
          + DurationFormat.format(window) + ")");
    }
  }

  private static Set<String> knownSignals(SignalsSpec signals, Problems problems) {
    Set<String> known = new LinkedHashSet<>(List.of(Signals.ERROR_RATE, Signals.LATENCY_P95, Signals.REQUEST_RATE));
    if (signals == null) {
      return known;
    }
    if (signals.groupBy != null && !signals.groupBy.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
      problems.add("spec.signals.groupBy", "'" + signals.groupBy + "' is not a Prometheus label name");
    }
    if (signals.custom != null) {
      for (int i = 0; i < signals.custom.size(); i++) {
        SignalsSpec.CustomSignalSpec c = signals.custom.get(i);
        String path = "spec.signals.custom[" + i + "]";
        if (c == null || c.name == null || c.name.isBlank()) {
          problems.add(path + ".name", "required");
        } else if (!c.name.matches(SignalsSpec.CustomSignalSpec.NAME_PATTERN)) {
          problems.add(path + ".name", "'" + c.name + "' is not a signal name: start with a letter, then use letters,"
              + " digits, '_', '.' or '-'");
        } else if (RESERVED.contains(c.name)) {
          problems.add(path + ".name", "'" + c.name + "' is the name of a Kubernetes signal; choose another");
        } else if (!known.add(c.name)) {
          problems.add(path + ".name", "'" + c.name + "' is defined twice (or shadows a built-in signal)");
        }
        if (c != null && (c.query == null || c.query.isBlank())) {
          problems.add(path + ".query", "required");
        }
      }
    }
    return known;
  }

  private static TierSpec tierSpec(TiersSpec tiers, Tier tier) {
    switch (tier) {
      case immediate: return tiers.immediate;
      case rapid: return tiers.rapid;
      default: return tiers.evaluate;
    }
  }

  /**
   * A criterion the tier names replaces the default whole; {disabled: true} removes it.
   *
   * @param named gets the id of every criterion the policy names, with the path of its {@code for}
   */
  private static void mergeTier(Tier tier, TierSpec t, String path, Set<String> knownSignals, List<Criterion> out,
      Map<String, String> named, Problems problems) {
    for (String key : CONDITION_KEYS) {
      ConditionCriterionSpec spec = t == null ? null : condition(t, key);
      Default d = DefaultCriteria.find(tier, key);
      if (spec != null) {
        if (!Boolean.TRUE.equals(spec.disabled)) {
          long holdFor = problems.duration(path + "." + key + ".for", spec.holdFor, 0);
          Criterion c = Criterion.condition(tier, key, Math.max(holdFor, 0));
          out.add(c);
          named.put(c.id(), path + "." + key + ".for");
        }
      } else if (d != null) {
        out.add(Criterion.condition(tier, key, d.holdForMillis()));
      }
    }
    for (String key : METRIC_KEYS) {
      MetricCriterionSpec spec = t == null ? null : (key.equals(Signals.ERROR_RATE) ? t.errorRate : t.latencyP95);
      Default d = DefaultCriteria.find(tier, key);
      if (spec != null) {
        if (!Boolean.TRUE.equals(spec.disabled)) {
          Criterion c = Thresholds.metric(tier + "/" + key, tier, key, spec, path + "." + key, problems);
          if (c != null) {
            out.add(c);
            named.put(c.id(), path + "." + key + ".for");
          }
        }
      } else if (d != null) {
        out.add(Criterion.metric(tier + "/" + key, tier, key, true, d.threshold(), d.thresholdText(),
            d.holdForMillis()));
      }
    }
    if (t != null && t.custom != null) {
      for (int i = 0; i < t.custom.size(); i++) {
        CustomCriterionSpec c = t.custom.get(i);
        String cpath = path + ".custom[" + i + "]";
        if (c == null || c.signal == null || c.signal.isBlank()) {
          problems.add(cpath + ".signal", "required");
        } else if (!knownSignals.contains(c.signal)) {
          problems.add(cpath + ".signal", "unknown signal '" + c.signal + "'; known: " + String.join(", ", knownSignals));
        } else if (!Boolean.TRUE.equals(c.disabled)) {
          Criterion criterion = Thresholds.metric(tier + "/custom/" + i + "/" + c.signal, tier, c.signal, c, cpath,
              problems);
          if (criterion != null) {
            out.add(criterion);
            named.put(criterion.id(), cpath + ".for");
          }
        }
      }
    }
  }

  private static ConditionCriterionSpec condition(TierSpec t, String key) {
    switch (key) {
      case Signals.SERVICE_DOWN: return t.serviceDown;
      case Signals.ROLLOUT_STUCK: return t.rolloutStuck;
      default: return t.crashLooping;
    }
  }

  /** Collects problems; parses durations, reporting those that are malformed. */
  static final class Problems {
    final List<PolicyProblem> list = new ArrayList<>();

    void add(String path, String message) {
      list.add(new PolicyProblem(path, message));
    }

    /** Adds {@code problem} at {@code path} unless it is null (what a check returns for a valid value). */
    void addIfAny(String path, String problem) {
      if (problem != null) {
        add(path, problem);
      }
    }

    /** The duration in milliseconds, {@code fallback} when absent, -1 (and a problem) when it is not one. */
    long duration(String path, String text, long fallback) {
      return DurationChecks.api(path, text, fallback, this);
    }
  }

}
