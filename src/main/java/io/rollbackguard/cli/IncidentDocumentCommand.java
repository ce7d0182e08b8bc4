package io.rollbackguard.cli;

import io.rollbackguard.api.RollbackPolicy;
import io.rollbackguard.api.status.DeploymentStatus;
import io.rollbackguard.procedure.Incident;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What `runbook` and `postmortem` share: find the policy (cluster or saved file), pick the target, render Markdown
 * for it on stdout. Read-only: nothing is written to the cluster.
 */
abstract class IncidentDocumentCommand implements Callable<Integer> {
  @Option(names = {"-n", "--namespace"}, paramLabel = "NS",
      description = "The policy's namespace (default: the kubeconfig context's, else default).")
  String namespace;

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "Default: KUBECONFIG, ~/.kube/config, or in-cluster.")
  Path kubeconfig;

  @Option(names = "--from-file", paramLabel = "STATUS.yaml",
      description = "Read a saved `kubectl get rbp NAME -n NS -o yaml` (or a List) instead of the cluster.")
  Path fromFile;

  @Parameters(index = "0", arity = "0..1", paramLabel = "POLICY",
      description = "The RollbackPolicy (optional with --from-file when the file holds one).")
  String policy;

  @Parameters(index = "1", arity = "0..1", paramLabel = "DEPLOYMENT",
      description = "The target (default: the one with the most urgent action).")
  String deployment;

  @Spec CommandSpec spec;

  /** The environment, home directory and clock; tests replace them. */
  Map<String, String> env = System.getenv();
  Path home = Path.of(System.getProperty("user.home"));
  Clock clock = Clock.systemUTC();

  /** The Markdown document for {@code incident}, as of {@code now}. */
  abstract String render(Incident incident, Instant now);

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (fromFile == null && policy == null) {
      err.println("error: name the policy (" + spec.name() + " -n NS POLICY [DEPLOYMENT]), or pass --from-file");
      return RollbackGuard.INVALID;
    }
    try {
      RollbackPolicy found = fromFile != null ? PolicyLookup.fromFile(fromFile, namespace, policy)
          : PolicyLookup.fromCluster(kubeconfig, env, home, namespace, policy);
      DeploymentStatus target = PolicyLookup.target(found, deployment, err);
      out.print(render(IncidentFromStatus.of(found, target), clock.instant()));
      out.flush();
      return RollbackGuard.OK;
    } catch (PolicyLookup.LookupException e) {
      err.println("error: " + e.getMessage());
      return e.exitCode;
    } finally {
      err.flush();
    }
  }
}
