package io.rollbackguard.cli;

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
 * What `runbook` and `postmortem` share: find the Deployment's RolloutVerdict (cluster or saved file), render Markdown
 * for it on stdout. Read-only: nothing is written to the cluster.
 */
abstract class IncidentDocumentCommand implements Callable<Integer> {
  @Option(names = {"-n", "--namespace"}, paramLabel = "NS",
      description = "The Deployment's namespace (default: the kubeconfig context's, else default).")
  String namespace;

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "Default: KUBECONFIG, ~/.kube/config, or in-cluster.")
  Path kubeconfig;

  @Option(names = "--from-file", paramLabel = "VERDICT.yaml",
      description = "Read a saved `kubectl get rv NAME -n NS -o yaml` instead of the cluster; or a List, such as"
          + " `kubectl get rv,rbp -n NS -o yaml`, whose RollbackPolicy gives the procedure options and conditions.")
  Path fromFile;

  @Parameters(index = "0", arity = "0..1", paramLabel = "DEPLOYMENT",
      description = "The Deployment (its RolloutVerdict has the same name); optional with --from-file, where the"
          + " default is the most urgent verdict in the file.")
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
    if (fromFile == null && deployment == null) {
      err.println("error: name the Deployment (" + spec.name() + " -n NS DEPLOYMENT), or pass --from-file");
      return RollbackGuard.INVALID;
    }
    try {
      VerdictLookup.Found found = fromFile != null ? VerdictLookup.fromFile(fromFile, namespace, deployment, err)
          : VerdictLookup.fromCluster(kubeconfig, env, home, namespace, deployment);
      out.print(render(IncidentFromStatus.of(found.verdict(), found.policy()), clock.instant()));
      out.flush();
      return RollbackGuard.OK;
    } catch (VerdictLookup.LookupException e) {
      err.println("error: " + e.getMessage());
      return e.exitCode;
    } finally {
      err.flush();
    }
  }
}
