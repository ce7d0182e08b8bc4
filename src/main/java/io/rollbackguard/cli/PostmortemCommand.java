package io.rollbackguard.cli;

import io.rollbackguard.api.RolloutVerdict;
import io.rollbackguard.procedure.AsOf;
import io.rollbackguard.procedure.Incident;
import io.rollbackguard.procedure.PostmortemWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "postmortem", mixinStandardHelpOptions = true,
    description = "Prints a post-mortem draft for a guarded Deployment as Markdown: summary, timeline and impact"
        + " from its RolloutVerdict; root cause, what went well, what to improve, actions and lessons left to"
        + " people, with questions derived from what happened. Reads only.",
    footer = {"", "Examples:", "  rollback-guard postmortem -n shop payments > postmortem-payments.md",
        "  kubectl get rv,rbp payments -n shop -o yaml > payments.yaml  # the verdict and its policy",
        "  rollback-guard postmortem --from-file payments.yaml",
        "  rollback-guard postmortem --from-file payments.yaml --now 2026-11-27T11:00:00Z",
        "", "Exit codes: 0 printed, 1 no incident to write up (without --force), 2 no RolloutVerdict for the"
            + " Deployment, unreadable file, bad option, or no cluster configured, 3 cluster unreachable."})
final class PostmortemCommand extends IncidentDocumentCommand {
  @Option(names = "--force",
      description = "Draft one even when the verdict holds no incident (no recommendation and no lastIncident).")
  boolean force;

  @Override
  String refusal(RolloutVerdict verdict, Incident incident) {
    if (force || IncidentFromStatus.hasIncident(verdict, incident)) {
      return null;
    }
    return verdict.getMetadata().getName() + ": no incident to write up (no recommendation and no lastIncident in"
        + " its RolloutVerdict); pass --force to draft one anyway";
  }

  @Override
  String render(Incident incident, AsOf asOf) {
    return PostmortemWriter.write(incident, asOf);
  }
}
