package io.rollbackguard.cli;

import io.rollbackguard.procedure.AsOf;
import io.rollbackguard.procedure.Incident;
import io.rollbackguard.procedure.RunbookWriter;
import picocli.CommandLine.Command;

@Command(name = "runbook", mixinStandardHelpOptions = true,
    description = "Prints the emergency runbook for a guarded Deployment as Markdown, filled in from its"
        + " RolloutVerdict: bad and stable revisions and images, the exact commands, the deadline and the time left,"
        + " the status-page messages with the versions. Reads only; executes nothing.",
    footer = {"", "Examples:", "  rollback-guard runbook -n shop checkout",
        "  kubectl get rv checkout -n shop -o yaml > checkout.yaml",
        "  rollback-guard runbook --from-file checkout.yaml          # no cluster needed",
        "  rollback-guard runbook --from-file checkout.yaml --now 2026-11-27T14:40:00Z",
        "  kubectl get rv,rbp -n shop -o yaml > shop.yaml            # the verdicts with their policies",
        "  rollback-guard runbook --from-file shop.yaml checkout",
        "", "Exit codes: 0 printed, 2 no RolloutVerdict for the Deployment, unreadable file, bad option, or no"
            + " cluster configured, 3 cluster unreachable."})
final class RunbookCommand extends IncidentDocumentCommand {
  @Override
  String render(Incident incident, AsOf asOf) {
    return RunbookWriter.write(incident, asOf);
  }
}
