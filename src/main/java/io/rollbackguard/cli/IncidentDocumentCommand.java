package io.rollbackguard.cli;

import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.procedure.AsOf;
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

  @picocli.CommandLine.Mixin InputOptions input;

  @Option(names = "--from-file", paramLabel = "VERDICT.yaml",
      description = "Read a saved `kubectl get rv NAME -n NS -o yaml` instead of the cluster; or a List, such as"
          + " `kubectl get rv,rbp -n NS -o yaml`, whose RollbackPolicy gives the procedure options and conditions.")
  Path fromFile;

  @Parameters(index = "0", arity = "0..1", paramLabel = "DEPLOYMENT",
      description = "The Deployment (its RolloutVerdict has the same name); optional with --from-file, where the"
          + " default is the most urgent verdict in the file.")
  String deployment;

  @Option(names = "--now", paramLabel = "TIME", converter = Rfc3339Time.class,
      description = "The moment the document is for, in RFC 3339 (e.g. 2026-11-27T14:38:00Z): the time left,"
          + " durations and ages are counted to it. Default: the clock; with --from-file, the latest time the saved"
          + " verdict and its policy record (deadlines not counted), which the document states.")
  Instant now;

  @Spec CommandSpec spec;

  /** The environment, home directory and clock; tests replace them. */
  Map<String, String> env = System.getenv();
  Path home = Path.of(System.getProperty("user.home"));
  Clock clock = Clock.systemUTC();

  /** The Markdown document for {@code incident}, as of {@code asOf}. */
  abstract String render(Incident incident, AsOf asOf);

  /**
   * Why no document is written for this verdict (a line for stderr, exit 1), or null to write it: by default every
   * verdict gets one.
   */
  String refusal(RolloutVerdict verdict, Incident incident) {
    return null;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (fromFile == null && deployment == null) {
      err.println("error: name the Deployment (" + spec.name() + " -n NS DEPLOYMENT), or pass --from-file");
      return RollbackGuard.INVALID;
    }
    try {
      VerdictLookup.Found found = fromFile != null ? VerdictLookup.fromFile(input.reader(System.in), fromFile, namespace, deployment, err)
          : VerdictLookup.fromCluster(kubeconfig, env, home, namespace, deployment);
      Incident incident = incident(found);
      String refusal = refusal(found.verdict(), incident);
      if (refusal != null) {
        err.println(refusal);
        return RollbackGuard.PROBLEMS;
      }
      out.print(render(incident, asOf(found)));
      out.flush();
      return RollbackGuard.OK;
    } catch (VerdictLookup.LookupException e) {
      err.println("error: " + e.getMessage());
      return e.exitCode;
    } finally {
      err.flush();
    }
  }

  /** From a file, a status that cannot be read says which file it is in. */
  private Incident incident(VerdictLookup.Found found) throws VerdictLookup.LookupException {
    try {
      return IncidentFromStatus.of(found.verdict(), found.policy());
    } catch (VerdictLookup.LookupException e) {
      throw fromFile == null ? e : new VerdictLookup.LookupException(e.exitCode, fromFile + ": " + e.getMessage());
    }
  }

  /**
   * --now when given; live, the clock; from a saved file, the latest time it records for this verdict, since a copy
   * saved mid-incident and read later would otherwise show the deadline long passed and the incident still lasting.
   */
  private AsOf asOf(VerdictLookup.Found found) {
    Instant clockNow = clock.instant();
    if (now != null) {
      return AsOf.given(now, clockNow);
    }
    if (fromFile == null) {
      return AsOf.clock(clockNow);
    }
    String saved = savedName() + " for " + found.verdict().getMetadata().getName();
    return ObservedTimes.latest(found.verdict(), found.policy())
        .map(latest -> AsOf.latestIn(saved, latest, clockNow))
        .orElseGet(() -> AsOf.noTimeIn(saved, clockNow));
  }

  /** The file's name as the document gives it: its path may be a temporary or private directory. */
  private String savedName() {
    if (fromFile.toString().equals("-")) {
      return "the standard input";
    }
    Path name = fromFile.getFileName();
    return name == null ? fromFile.toString() : name.toString();
  }
}
