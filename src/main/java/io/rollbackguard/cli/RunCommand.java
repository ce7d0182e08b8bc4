package io.rollbackguard.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.rollbackguard.notify.Notifier;
import io.rollbackguard.operator.OperatorSettings;
import io.rollbackguard.operator.RollbackGuardOperator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Runs the operator: watches RollbackPolicies and the Deployments they select, writes recommendations"
        + " into their status. Never modifies a workload.",
    footer = {"", "Example:", "  rollback-guard run --namespaces shop,payments --prometheus-url http://prometheus:9090",
        "", "Exit codes: 0 stopped, 2 usage error or no cluster configured, 3 cluster unreachable."})
final class RunCommand implements Callable<Integer> {
  @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Default: KUBECONFIG, ~/.kube/config, or in-cluster.")
  Path kubeconfig;

  @Option(names = "--namespaces", split = ",", paramLabel = "NS", description = "Namespaces to watch (default: all).")
  List<String> namespaces = List.of();

  @Option(names = "--prometheus-url", paramLabel = "URL",
      description = "Prometheus for policies that name none (default: PROMETHEUS_URL).")
  String prometheusUrl;

  @Option(names = "--prometheus-url-allow", paramLabel = "REGEX",
      description = "Prometheus URLs policies may name; others make the policy Ready=False.")
  String prometheusUrlAllow;

  @Option(names = "--default-query", paramLabel = "SIGNAL=PROMQL",
      description = "An operator-wide query for errorRate, latencyP95 or requestRate, for policies that name none"
          + " (repeatable; same placeholders as spec.signals).")
  Map<String, String> defaultQueries = new java.util.LinkedHashMap<>();

  @Option(names = "--leader-election-namespace", paramLabel = "NS",
      description = "Namespace of the Lease that elects the one replica that acts (default: POD_NAMESPACE, else"
          + " rollback-guard).")
  String leaseNamespace;

  @Option(names = "--no-leader-election",
      description = "Act without a Lease: for a single local run only, never with two replicas.")
  boolean noLeaderElection;

  @Option(names = "--alertmanager-url", paramLabel = "URL",
      description = "Alertmanager to post recommendations to as alerts (repeatable: every one of an HA pair;"
          + " default: ALERTMANAGER_URL, comma-separated).")
  List<String> alertmanagerUrls = List.of();

  @Option(names = "--alertmanager-token-file", paramLabel = "FILE",
      description = "A bearer token for Alertmanager, read again at each post (a rotated token is used at once).")
  Path alertmanagerTokenFile;

  @Option(names = "--port", defaultValue = "8080", description = "Port of /metrics, /healthz and /readyz (default: 8080).")
  int port;

  @Spec CommandSpec spec;

  /** The environment and home directory; tests replace them. */
  Map<String, String> env = System.getenv();
  Path home = Path.of(System.getProperty("user.home"));

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Pattern allow;
    try {
      allow = prometheusUrlAllow == null ? null : Pattern.compile(prometheusUrlAllow);
    } catch (PatternSyntaxException e) {
      err.println("error: --prometheus-url-allow is not a regular expression: " + e.getDescription());
      return RollbackGuard.INVALID;
    }
    String url = prometheusUrl != null ? prometheusUrl : env.get("PROMETHEUS_URL");
    if (url != null && !url.isBlank() && !url.matches("https?://[^\\s/]+(/\\S*)?")) {
      err.println("error: the Prometheus URL '" + url + "' is not an http(s) URL (from "
          + (prometheusUrl != null ? "--prometheus-url" : "PROMETHEUS_URL") + ")");
      return RollbackGuard.INVALID;
    }
    for (Map.Entry<String, String> q : defaultQueries.entrySet()) {
      if (!Set.of("errorRate", "latencyP95", "requestRate").contains(q.getKey())) {
        err.println("error: --default-query " + q.getKey() + ": not a built-in signal (errorRate, latencyP95, "
            + "requestRate)");
        return RollbackGuard.INVALID;
      }
      String problem = io.rollbackguard.policy.PolicyCompiler.defaultQueryProblem(q.getValue());
      if (problem != null) {
        err.println("error: --default-query " + q.getKey() + ": " + problem);
        return RollbackGuard.INVALID;
      }
    }
    List<String> alertmanagers = alertmanagerUrls.isEmpty()
        ? List.of(env.getOrDefault("ALERTMANAGER_URL", "").split(",")) : alertmanagerUrls;
    alertmanagers = alertmanagers.stream().map(String::trim).filter(u -> !u.isEmpty()).toList();
    for (String am : alertmanagers) {
      if (!am.matches("https?://[^\\s/]+(/\\S*)?")) {
        err.println("error: the Alertmanager URL '" + am + "' is not an http(s) URL (from "
            + (alertmanagerUrls.isEmpty() ? "ALERTMANAGER_URL" : "--alertmanager-url") + ")");
        return RollbackGuard.INVALID;
      }
    }
    if (alertmanagerTokenFile != null && !java.nio.file.Files.isReadable(alertmanagerTokenFile)) {
      err.println("error: --alertmanager-token-file " + alertmanagerTokenFile + ": cannot read it");
      return RollbackGuard.INVALID;
    }
    if (alertmanagerTokenFile != null && alertmanagers.isEmpty()) {
      err.println("error: --alertmanager-token-file needs --alertmanager-url (or ALERTMANAGER_URL)");
      return RollbackGuard.INVALID;
    }
    Set<String> watched = new LinkedHashSet<>(namespaces);
    KubernetesClient client;
    try {
      client = ClusterConnection.connect(kubeconfig, env, home, "rollback-guard-operator/0.1.0");
    } catch (ClusterConnection.ClusterException e) {
      err.println("error: " + e.getMessage());
      return e.exitCode;
    }
    try (client; RollbackGuardOperator operator = RollbackGuardOperator.start(client,
        new OperatorSettings(watched, url == null || url.isBlank() ? null : url, allow, port, defaultQueries)
            .withLeaderElection(noLeaderElection ? null : election())
            .withAlertmanager(Notifier.Settings.of(alertmanagers, alertmanagerTokenFile)),
        Clock.systemUTC())) {
      spec.commandLine().getOut().println("rollback-guard: watching " + (watched.isEmpty() ? "all namespaces" : watched)
          + " on " + client.getMasterUrl() + "; metrics and health on :" + operator.healthPort()
          + (alertmanagers.isEmpty() ? "" : "; alerts to " + String.join(", ", alertmanagers)));
      spec.commandLine().getOut().flush();
      awaitShutdown();
      return RollbackGuard.OK;
    } catch (RuntimeException e) {
      err.println("error: the operator could not start: " + ClusterConnection.rootMessage(e)
          + (ClusterConnection.rootMessage(e).contains("rollbackpolicies")
              ? " (is the CRD installed? kubectl apply -f crds/)" : ""));
      return RollbackGuard.INVALID;
    }
  }

  /** The Lease and this replica's name in it: the pod's name in a cluster, host and process elsewhere. */
  private OperatorSettings.LeaderElection election() {
    String namespace = leaseNamespace != null ? leaseNamespace
        : env.getOrDefault("POD_NAMESPACE", "rollback-guard");
    String identity = env.get("POD_NAME");
    if (identity == null || identity.isBlank()) {
      identity = env.getOrDefault("HOSTNAME", "rollback-guard") + "-" + ProcessHandle.current().pid();
    }
    return OperatorSettings.LeaderElection.defaults(namespace, identity);
  }

  /** Blocks until the JVM is asked to stop (SIGTERM), or this thread is interrupted (tests). */
  private static void awaitShutdown() {
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(stop::countDown, "rollback-guard-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Runtime.getRuntime().removeShutdownHook(hook);
    }
  }
}
