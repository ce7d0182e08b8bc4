package io.rollbackguard.signals;

import io.rollbackguard.signals.PrometheusResponse.Sample;
import io.rollbackguard.verdict.MetricReading;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Takes one sample of every metric signal a policy uses, for all its targets at once. A grouped query (one using
 * {{deployments}}) is sent once per signal and its result split by the groupBy label; only a query using
 * {{deployment}} (or a revision or template hash) is sent per Deployment.
 */
public final class PrometheusSignals {
  /**
   * What a query needs of one target.
   *
   * @param rolloutStartedAt when its rollout started (epoch ms), for the burn-rate windows capped at its age;
   *     {@code Long.MIN_VALUE} when unknown (the full windows)
   */
  public record Target(String name, String revision, String podTemplateHash, long rolloutStartedAt) {
    public Target(String name, String revision, String podTemplateHash) {
      this(name, revision, podTemplateHash, Long.MIN_VALUE);
    }

    long ageAt(long at) {
      return rolloutStartedAt == Long.MIN_VALUE ? Long.MAX_VALUE : at - rolloutStartedAt;
    }
  }

  private PrometheusSignals() {}

  /**
   * @param staleAfterMillis a sample older than this is inconclusive
   * @return target name to signal to reading; every target and signal has an entry
   */
  public static Map<String, Map<String, MetricReading>> sample(MetricQueries queries, PrometheusClient prometheus,
      String namespace, List<Target> targets, long at, long staleAfterMillis) {
    Map<String, Map<String, MetricReading>> out = new HashMap<>();
    targets.forEach(t -> out.put(t.name(), new HashMap<>()));
    for (String signal : queries.bySignal().keySet()) {
      sampleSignal(queries, signal, prometheus, namespace, targets, at, staleAfterMillis, Long.MAX_VALUE)
          .forEach((target, reading) -> out.get(target).put(signal, reading));
    }
    return out;
  }

  /**
   * One signal for every target at instant {@code at}: one query when the template is grouped (or policy-wide), one
   * per target only for a {{deployment}} (revision, template-hash) template.
   *
   * @param deadlineAtMillis wall-clock time by which every query of this call has answered or failed
   * @return target name to reading; every target has one
   */
  public static Map<String, MetricReading> sampleSignal(MetricQueries queries, String signal,
      PrometheusClient prometheus, String namespace, List<Target> targets, long at, long staleAfterMillis,
      long deadlineAtMillis) {
    return sampleSignal(queries, signal, prometheus, namespace, targets, at, staleAfterMillis, deadlineAtMillis,
        (r, nanos) -> { });
  }

  /** Told of every query sent: its answer (or failure) and how long it took. */
  public interface QueryObserver {
    void answered(PrometheusResponse response, long nanos);
  }

  /** As above, telling {@code observer} of each query sent. */
  public static Map<String, MetricReading> sampleSignal(MetricQueries queries, String signal,
      PrometheusClient prometheus, String namespace, List<Target> targets, long at, long staleAfterMillis,
      long deadlineAtMillis, QueryObserver observer) {
    QueryTemplate template = queries.bySignal().get(signal);
    Map<String, MetricReading> out = new HashMap<>();
    List<String> names = targets.stream().map(Target::name).toList();
    if (template.perDeployment()) {
      for (Target t : targets) {
        Map<String, String> values = values(namespace, BurnRanges.range(queries, signal, t.ageAt(at)), t);
        out.put(t.name(), one(prometheus, template, values, names, at, staleAfterMillis, deadlineAtMillis,
            observer));
      }
      return out;
    }
    // One request whatever the ages: a burn-rate window capped differently per rollout is one query per range, the
    // queries joined by "or" (their series have disjoint groupBy labels). A policy-wide (ungrouped) query has one
    // series for all: it reads the shortest range, that of the youngest rollout.
    Map<String, List<String>> byRange = new java.util.TreeMap<>();
    for (Target t : targets) {
      byRange.computeIfAbsent(BurnRanges.range(queries, signal, t.ageAt(at)), k -> new ArrayList<>()).add(t.name());
    }
    if (!template.grouped() && byRange.size() > 1) {
      String shortest = byRange.keySet().stream()
          .min(java.util.Comparator.comparingLong(io.rollbackguard.verdict.DurationFormat::parseMillis)).orElseThrow();
      byRange = Map.of(shortest, names);
    }
    Map<String, String> rangeOf = new HashMap<>();
    StringBuilder query = new StringBuilder();
    try {
      for (Map.Entry<String, List<String>> e : byRange.entrySet()) {
        String one = template.render(values(namespace, e.getKey(), null), e.getValue());
        query.append(query.length() == 0 ? "" : " or ").append(byRange.size() > 1 ? "(" + one + ")" : one);
        e.getValue().forEach(n -> rangeOf.put(n, e.getKey()));
      }
    } catch (QueryTemplate.TemplateException ex) {
      targets.forEach(t -> out.put(t.name(), inconclusive(ex.getMessage(), null)));
      return out;
    }
    String sent = query.toString();
    PrometheusResponse r = timed(prometheus, sent, at, deadlineAtMillis, observer);
    for (Target t : targets) {
      // The evidence names the target alone: the same query for it, short however many Deployments are selected.
      Map<String, String> values = values(namespace, rangeOf.get(t.name()), null);
      String evidence = template.grouped() ? display(template, values, t.name(), sent) : sent;
      out.put(t.name(), split(r, queries.groupBy(), t.name(), template.grouped(), evidence, at, staleAfterMillis));
    }
    return out;
  }

  /** Whether the signal's template is sent once per Deployment (not grouped). */
  public static boolean perDeployment(MetricQueries queries, String signal) {
    return queries.bySignal().get(signal).perDeployment();
  }

  private static String display(QueryTemplate template, Map<String, String> values, String target, String sent) {
    try {
      return template.render(values, List.of(target));
    } catch (QueryTemplate.TemplateException e) {
      return sent;
    }
  }

  static Map<String, String> values(String namespace, String window, Target t) {
    Map<String, String> v = new HashMap<>();
    v.put(QueryTemplate.NAMESPACE, namespace);
    v.put(QueryTemplate.WINDOW, window);
    if (t != null) {
      v.put(QueryTemplate.DEPLOYMENT, t.name());
      v.put(QueryTemplate.REVISION, t.revision());
      v.put(QueryTemplate.POD_TEMPLATE_HASH, t.podTemplateHash() == null ? "" : t.podTemplateHash());
    }
    return v;
  }

  private static MetricReading one(PrometheusClient prometheus, QueryTemplate template, Map<String, String> values,
      List<String> names, long at, long staleAfterMillis, long deadlineAtMillis, QueryObserver observer) {
    String query;
    try {
      query = template.render(values, names);
    } catch (QueryTemplate.TemplateException ex) {
      return inconclusive(ex.getMessage(), null);
    }
    PrometheusResponse r = timed(prometheus, query, at, deadlineAtMillis, observer);
    if (!r.ok()) {
      return inconclusive(r.failure(), query);
    }
    if (r.samples().size() > 1) {
      return inconclusive("the query gave " + r.samples().size() + " series; aggregate it to one", query);
    }
    return r.samples().isEmpty() ? inconclusive("no data: empty result", query)
        : reading(r.samples().get(0), query, at, staleAfterMillis);
  }

  private static PrometheusResponse timed(PrometheusClient prometheus, String query, long at, long deadlineAtMillis,
      QueryObserver observer) {
    long started = System.nanoTime();
    PrometheusResponse r = prometheus.query(query, at, deadlineAtMillis);
    observer.answered(r, System.nanoTime() - started);
    return r;
  }

  /** The target's value in a policy-wide result: its own series (by label), or the only series there is. */
  private static MetricReading split(PrometheusResponse r, String groupBy, String target, boolean grouped,
      String query, long at, long staleAfterMillis) {
    if (!r.ok()) {
      return inconclusive(r.failure(), query);
    }
    List<Sample> mine = new ArrayList<>();
    boolean labelled = false;
    for (Sample s : r.samples()) {
      String value = s.labels().get(groupBy);
      labelled |= value != null;
      if (target.equals(value)) {
        mine.add(s);
      }
    }
    if (!grouped && !labelled && r.samples().size() == 1) {
      return reading(r.samples().get(0), query, at, staleAfterMillis);
    }
    if (mine.isEmpty()) {
      return inconclusive(r.samples().isEmpty() ? "no data: empty result"
          : "no data: no series with " + groupBy + "=\"" + target + "\"", query);
    }
    if (mine.size() > 1) {
      return inconclusive(mine.size() + " series with " + groupBy + "=\"" + target + "\"; aggregate by "
          + groupBy, query);
    }
    return reading(mine.get(0), query, at, staleAfterMillis);
  }

  private static MetricReading reading(Sample s, String query, long at, long staleAfterMillis) {
    if (at - s.timestampMillis() > staleAfterMillis) {
      return inconclusive("stale: the latest sample is " + (at - s.timestampMillis()) / 1000 + "s old", query);
    }
    return new MetricReading(s.value(), null, query);
  }

  private static MetricReading inconclusive(String reason, String query) {
    return new MetricReading(Double.NaN, reason, query);
  }
}
