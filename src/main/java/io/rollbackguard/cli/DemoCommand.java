package io.rollbackguard.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.api.status.FindingStatus;
import io.rollbackguard.api.status.Procedure;
import io.rollbackguard.api.status.RolloutVerdictStatus;
import io.rollbackguard.api.status.TimelineEntry;
import io.rollbackguard.cli.demo.EmbeddedKubernetes;
import io.rollbackguard.cli.demo.ScriptedPrometheus;
import io.rollbackguard.cli.demo.SimulatedCluster.Pods;
import io.rollbackguard.cli.demo.SimulatedCluster;
import io.rollbackguard.operator.OperatorSettings;
import io.rollbackguard.operator.RollbackGuardOperator;
import io.rollbackguard.policy.PolicyYaml;
import io.rollbackguard.verdict.Signals;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "The whole loop with no cluster: an embedded Kubernetes API and metrics endpoint, the real operator,"
        + " scripted bad rollouts, printed as kubectl would print them.",
    footer = {"", "Example:", "  java -jar target/rollback-guard.jar demo"})
final class DemoCommand implements Callable<Integer> {
  static final String NS = "shop";
  /** Short windows and `for`s so the story fits in seconds; the defaults are 15m, 30s and 1m/2m. */
  static final String POLICY = """
      apiVersion: rollbackguard.io/v1alpha1
      kind: RollbackPolicy
      metadata: {name: checkout, namespace: shop}
      spec:
        selector: {matchLabels: {app: checkout}}
        prometheus: {url: "%s"}
        observation: {window: 6s, interval: 1s}
        tiers:
          immediate:
            errorRate: {above: 0.05, for: 1s}
          rapid:
            errorRate: {above: 0.01, for: 1s}
        procedure:
          extraSteps: ["Update the status page", "Schedule the post-mortem within 48h"]
      """;
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(20);

  @Spec CommandSpec spec;
  private PrintWriter out;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    try (EmbeddedKubernetes k8s = EmbeddedKubernetes.start();
        ScriptedPrometheus prometheus = ScriptedPrometheus.start();
        KubernetesClient operatorClient = k8s.newOperatorClient();
        RollbackGuardOperator operator = RollbackGuardOperator.start(operatorClient,
            new OperatorSettings(Set.of(NS), null, null, 0), Clock.systemUTC())) {
      KubernetesClient client = k8s.client();
      SimulatedCluster cluster = new SimulatedCluster(client);
      say("An embedded Kubernetes API is up at " + k8s.url() + "; the operator is connected to it over HTTP.");
      say("A scripted Prometheus answers at " + prometheus.url() + ": checkout serves 40 req/s, no errors.");
      metrics(prometheus, 0.0);
      client.resources(RollbackPolicy.class).resource(PolicyYaml.parse(POLICY.formatted(prometheus.url()))).create();
      cluster.deploy(NS, "checkout", Map.of("app", "checkout"), 3, Map.of("app", "registry.example/checkout:v1.0.0"));
      step(client, "kubectl apply -f checkout-policy.yaml  # guards app=checkout; checkout runs revision 1",
          d -> d.phase != null && d.phase.name().equals("Stable") && d.revision == 1);

      cluster.rollout(NS, "checkout", Map.of("app", "registry.example/checkout:v2.0.0"), Pods.Ready);
      step(client, "kubectl set image deployment/checkout app=registry.example/checkout:v2.0.0  # revision 2",
          d -> d.revision == 2 && d.phase.name().equals("Observing"));
      step(client, "# ... revision 2 passes its window: it is the stable revision now",
          d -> d.revision == 2 && d.phase.name().equals("Stable"));

      cluster.rollout(NS, "checkout", Map.of("app", "registry.example/checkout:v2.1.0"), Pods.CrashLooping);
      step(client, "kubectl set image deployment/checkout app=registry.example/checkout:v2.1.0  # revision 3,"
          + " its pods crash-loop", d -> d.revision == 3 && d.action.name().equals("RollbackRapid"));

      cluster.annotate(NS, "checkout", "rollbackguard.io/declare-note", "card numbers in the logs");
      cluster.annotate(NS, "checkout", "rollbackguard.io/declare", "security-flaw");
      step(client, "kubectl annotate deployment/checkout -n shop "
          + "rollbackguard.io/declare=security-flaw rollbackguard.io/declare-note='card numbers in the logs'",
          d -> d.action.name().equals("RollbackImmediate"));

      cluster.rollout(NS, "checkout", Map.of("app", "registry.example/checkout:v2.1.1"), Pods.Ready);
      step(client, "kubectl set image deployment/checkout app=registry.example/checkout:v2.1.1  # revision 4, the"
          + " hotfix; the declaration stays with revision 3", d -> d.revision == 4 && d.action.name().equals("None"));
      metrics(prometheus, 0.02);
      step(client, "# ... error rate 2% on revision 4", d -> d.revision == 4
          && d.action.name().equals("RollbackRapid"));
      metrics(prometheus, 0.07);
      RolloutVerdictStatus last = step(client, "# ... error rate 7%", d -> d.revision == 4
          && d.action.name().equals("RollbackImmediate"));

      printFindings(last);
      printProcedure(last);
      printTimeline(last);
      return RollbackGuard.OK;
    } catch (StepTimeout e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return RollbackGuard.PROBLEMS;
    }
  }

  private void say(String line) {
    out.println(line);
    out.flush();
  }

  /** Prints the command, waits until the operator has written what the step expects, prints `kubectl get rbp`. */
  private RolloutVerdictStatus step(KubernetesClient client, String command, Predicate<RolloutVerdictStatus> done)
      throws InterruptedException, StepTimeout {
    say("");
    say("$ " + command);
    Instant deadline = Instant.now().plus(STEP_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      RolloutVerdict v = client.resources(RolloutVerdict.class).inNamespace(NS).withName("checkout").get();
      RolloutVerdictStatus d = v == null ? null : v.getStatus();
      RollbackPolicy p = client.resources(RollbackPolicy.class).inNamespace(NS).withName("checkout").get();
      // The policy's summary is coalesced (at most once a second): wait until it says what the verdict says.
      boolean summarised = p != null && p.getStatus() != null && d != null && d.action != null && d.phase != null
          && d.action.name().equals(p.getStatus().action) && p.getStatus().phases != null
          && p.getStatus().phases.containsKey(d.phase.name());
      if (d != null && d.revision != null && d.phase != null && d.action != null && done.test(d) && summarised) {
        say("$ kubectl get rbp -n shop");
        out.print(KubectlTable.render(List.of(p), Instant.now()));
        say("$ kubectl get rv -n shop");
        out.print(KubectlTable.renderVerdicts(List.of(v), Instant.now()));
        out.flush();
        return d;
      }
      Thread.sleep(100);
    }
    throw new StepTimeout("the operator did not reach the expected state within " + STEP_TIMEOUT.getSeconds()
        + "s after: " + command);
  }

  private static void metrics(ScriptedPrometheus prometheus, double errorRate) {
    prometheus.set("checkout", Signals.ERROR_RATE, errorRate);
    prometheus.set("checkout", Signals.LATENCY_P95, 0.18);
    prometheus.set("checkout", Signals.REQUEST_RATE, 40.0);
  }

  private void printFindings(RolloutVerdictStatus d) {
    say("");
    say("$ kubectl get rv checkout -n shop -o jsonpath='{.status.findings}'");
    for (FindingStatus f : d.findings) {
      say("  " + f.state + " " + (f.tier == null ? "" : f.tier + " ") + f.signal + ": " + f.message
          + (f.since == null ? "" : " (since " + f.since + ")"));
      if (f.query != null) {
        say("    query: " + f.query);
      }
    }
  }

  private void printProcedure(RolloutVerdictStatus d) {
    Procedure p = d.procedure;
    say("");
    say("$ kubectl get rv checkout -n shop -o jsonpath='{.status.procedure}'");
    say(p.title() + " (decide by " + d.decideBy + ")");
    int n = 1;
    for (Procedure.Step s : p.steps()) {
      say("  " + n++ + ". " + s.title() + (s.command() == null ? "" : "\n       " + s.command()));
    }
    for (String w : p.warnings()) {
      say("  ! " + w);
    }
  }

  private void printTimeline(RolloutVerdictStatus d) {
    say("");
    say("Timeline of checkout:");
    for (TimelineEntry e : d.timeline) {
      say("  " + e.at + "  " + String.format("%-24s", e.event) + e.message);
    }
  }

  private static final class StepTimeout extends Exception {
    StepTimeout(String message) {
      super(message);
    }
  }
}
