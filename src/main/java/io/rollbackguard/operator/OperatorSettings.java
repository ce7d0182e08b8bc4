package io.rollbackguard.operator;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How `run` (and `demo`) configure the operator.
 *
 * @param namespaces empty for all namespaces
 * @param prometheusUrl the operator-wide Prometheus, or null (policies without their own are Kubernetes-only)
 * @param prometheusUrlAllow URLs policies may name; null allows any
 * @param port the metrics and health port; 0 for none
 * @param defaultQueries operator-wide queries of the built-in signals, for policies that name none
 * @param counterWriteMillis a verdict whose decision did not change is written at most once per max(interval, this)
 * @param leaderElection null for none (a local run, the demo); else the Lease that decides which replica acts
 * @param alertmanager where recommendations are posted as alerts; no URL for none
 */
public record OperatorSettings(Set<String> namespaces, String prometheusUrl, Pattern prometheusUrlAllow, int port,
    Map<String, String> defaultQueries, long counterWriteMillis, LeaderElection leaderElection,
    io.rollbackguard.notify.Notifier.Settings alertmanager) {
  /**
   * Kubernetes' usual timings: lease 15 s, renew 10 s, retry 2 s.
   *
   * @param identity this replica's name in the Lease (the pod name)
   * @param exitOnStopLeading a replica that loses its Lease exits at once (production); tests running two in one JVM
   *     stop acting instead
   */
  public record LeaderElection(String leaseName, String namespace, String identity, java.time.Duration lease,
      java.time.Duration renew, java.time.Duration retry, boolean exitOnStopLeading) {
    public static final String LEASE = "rollback-guard";

    public static LeaderElection defaults(String namespace, String identity) {
      return new LeaderElection(LEASE, namespace, identity, java.time.Duration.ofSeconds(15),
          java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(2), true);
    }
  }
  /** DESIGN §5: counters and latest values are written at most once per max(interval, 10 s). */
  public static final long COUNTER_WRITE_MILLIS = 10_000;

  public OperatorSettings {
    namespaces = namespaces == null ? Set.of() : Set.copyOf(namespaces);
    defaultQueries = defaultQueries == null ? Map.of() : Map.copyOf(defaultQueries);
    alertmanager = alertmanager == null ? io.rollbackguard.notify.Notifier.Settings.of(java.util.List.of(), null)
        : alertmanager;
  }

  public OperatorSettings(Set<String> namespaces, String prometheusUrl, Pattern prometheusUrlAllow, int port,
      Map<String, String> defaultQueries) {
    this(namespaces, prometheusUrl, prometheusUrlAllow, port, defaultQueries, COUNTER_WRITE_MILLIS, null, null);
  }

  public OperatorSettings(Set<String> namespaces, String prometheusUrl, Pattern prometheusUrlAllow, int port) {
    this(namespaces, prometheusUrl, prometheusUrlAllow, port, Map.of());
  }

  /** The same settings, with counters written as often as {@code millis} allows (tests that watch them). */
  public OperatorSettings withCounterWriteMillis(long millis) {
    return new OperatorSettings(namespaces, prometheusUrl, prometheusUrlAllow, port, defaultQueries, millis,
        leaderElection, alertmanager);
  }

  /** The same settings, with leader election on the given Lease (null: off). */
  public OperatorSettings withLeaderElection(LeaderElection election) {
    return new OperatorSettings(namespaces, prometheusUrl, prometheusUrlAllow, port, defaultQueries,
        counterWriteMillis, election, alertmanager);
  }

  /** The same settings, posting recommendations as alerts to the given Alertmanagers. */
  public OperatorSettings withAlertmanager(io.rollbackguard.notify.Notifier.Settings settings) {
    return new OperatorSettings(namespaces, prometheusUrl, prometheusUrlAllow, port, defaultQueries,
        counterWriteMillis, leaderElection, settings);
  }
}
