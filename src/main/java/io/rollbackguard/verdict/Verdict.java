package io.rollbackguard.verdict;

import io.rollbackguard.api.status.Action;
import io.rollbackguard.api.status.Phase;
import io.rollbackguard.api.status.Tier;
import java.util.List;

/**
 * What the engine concludes for one target at one moment.
 *
 * @param tier the tier that fired; null for None and for an Evaluate that comes from missing data
 * @param reasonCode short machine reason: the action, or NoData
 * @param reason one line for a person, e.g. "error rate 6.5% > 5% for 1m"
 * @param actionSince when the current action first appeared; null for None
 * @param decideBy epoch millis, null when no deadline applies
 * @param observeUntil the time of the window's last sample
 * @param watchUntil the time of the watch's last sample, once the window closed Stable into a watch; null otherwise
 * @param events what changed in this evaluation
 */
public record Verdict(
    Phase phase,
    Action action,
    Tier tier,
    String reasonCode,
    String reason,
    Long actionSince,
    Long decideBy,
    long observeUntil,
    Long watchUntil,
    MetricsStatus metrics,
    List<Finding> findings,
    List<VerdictEvent> events) {}
