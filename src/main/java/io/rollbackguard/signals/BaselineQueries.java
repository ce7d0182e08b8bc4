package io.rollbackguard.signals;

import io.rollbackguard.signals.PrometheusRange.Series;
import io.rollbackguard.signals.PrometheusResponse.Sample;
import io.rollbackguard.signals.PrometheusSignals.Target;
import io.rollbackguard.verdict.BaselineSamples;
import io.rollbackguard.verdict.Policy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The baselines of the regression criteria (DESIGN §1b): a signal's values at the policy's grid instants over
 * {@code baseline} before each rollout, read by range queries ({@code /api/v1/query_range}, step = interval) grouped
 * like the instant queries: one request for all the targets that need the signal's baseline (the union of their
 * ranges, split by the groupBy label and cut per rollout), one per Deployment only for a {{deployment}} template.
 * A target's points are the {@code baseline ÷ interval} grid instants ending at the last one at or before its
 * rollout's start.
 */
public final class BaselineQueries {
  /** Prometheus refuses a range query of more points a series (its own limit is 11,000). */
  static final int MAX_POINTS = 11_000;

  private BaselineQueries() {}

  /** What a fetch gave: each target's baseline, and the number of range queries it sent. */
  public record Fetched(Map<String, BaselineSamples> byTarget, int requests) {}

  /**
   * @param targets each with its rollout's start ({@link Target#rolloutStartedAt})
   * @param deadlineAtMillis wall-clock time by which every request of this call has answered or failed
   * @return target name to its baseline (every target has one, unavailable when the query failed), and how many
   *     requests were sent
   */
  public static Fetched fetch(MetricQueries queries, String signal, long baselineMillis,
      PrometheusClient prometheus, String namespace, List<Target> targets, long intervalMillis,
      long deadlineAtMillis) {
    QueryTemplate template = queries.bySignal().get(signal);
    int points = (int) Math.max(1, baselineMillis / intervalMillis);
    Map<String, BaselineSamples> out = new HashMap<>();
    if (template.perDeployment()) {
      for (Target t : targets) {
        fetchGroup(template, queries, prometheus, namespace, List.of(t), points, intervalMillis, deadlineAtMillis,
            out);
      }
      return new Fetched(out, targets.size());
    }
    int requests = 0;
    List<Target> byEnd = new ArrayList<>(targets);
    byEnd.sort(Comparator.comparingLong(t -> end(t, intervalMillis)));
    List<Target> group = new ArrayList<>();
    for (Target t : byEnd) {
      if (!group.isEmpty() && (end(t, intervalMillis) - end(group.get(0), intervalMillis)) / intervalMillis + points
          > MAX_POINTS) {
        fetchGroup(template, queries, prometheus, namespace, group, points, intervalMillis, deadlineAtMillis,
            out);
        requests++;
        group = new ArrayList<>();
      }
      group.add(t);
    }
    if (!group.isEmpty()) {
      fetchGroup(template, queries, prometheus, namespace, group, points, intervalMillis, deadlineAtMillis,
          out);
      requests++;
    }
    return new Fetched(out, requests);
  }

  /** The last grid instant at or before the rollout's start: the baseline's last point. */
  static long end(Target t, long intervalMillis) {
    return Policy.gridAtOrBefore(t.rolloutStartedAt(), intervalMillis);
  }

  /** One range query over the union of the group's ranges (sorted by end), cut per target. */
  private static void fetchGroup(QueryTemplate template, MetricQueries queries, PrometheusClient prometheus,
      String namespace, List<Target> group, int points, long interval, long deadline,
      Map<String, BaselineSamples> out) {
    List<String> names = group.stream().map(Target::name).toList();
    String query;
    try {
      query = template.render(PrometheusSignals.values(namespace, queries.rateWindow(),
          template.perDeployment() ? group.get(0) : null), names);
    } catch (QueryTemplate.TemplateException e) {
      group.forEach(t -> out.put(t.name(), BaselineSamples.unavailable(e.getMessage())));
      return;
    }
    long last = end(group.get(group.size() - 1), interval);
    long first = end(group.get(0), interval) - (points - 1) * interval;
    PrometheusRange r = prometheus.queryRange(query, first, last, interval, deadline);
    for (Target t : group) {
      out.put(t.name(), r.ok() ? cut(r, template, queries.groupBy(), t, points, interval)
          : BaselineSamples.unavailable("baseline range query: " + r.failure()));
    }
  }

  /** The target's points: its own series (by the groupBy label), or the only one a policy-wide query gives. */
  private static BaselineSamples cut(PrometheusRange r, QueryTemplate template, String groupBy, Target t,
      int points, long interval) {
    List<Series> mine = new ArrayList<>();
    for (Series s : r.series()) {
      if (t.name().equals(s.labels().get(groupBy))) {
        mine.add(s);
      }
    }
    if (mine.isEmpty() && !template.grouped() && r.series().size() == 1) {
      mine = r.series();
    }
    if (mine.size() != 1) {
      return BaselineSamples.unavailable(mine.isEmpty()
          ? "no data before the rollout" + (template.grouped() ? " for " + groupBy + "=\"" + t.name() + "\"" : "")
          : mine.size() + " series for " + groupBy + "=\"" + t.name() + "\"; aggregate by " + groupBy);
    }
    double[] values = new double[points];
    Arrays.fill(values, Double.NaN);
    long first = end(t, interval) - (points - 1) * interval;
    for (Sample p : mine.get(0).points()) {
      long offset = p.timestampMillis() - first;
      if (offset >= 0 && offset % interval == 0 && offset / interval < points && Double.isFinite(p.value())) {
        values[(int) (offset / interval)] = p.value();
      }
    }
    return BaselineSamples.of(values);
  }
}
