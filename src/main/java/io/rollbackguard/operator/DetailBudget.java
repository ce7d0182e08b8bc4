package io.rollbackguard.operator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rollbackguard.api.status.DeploymentStatus;
import io.rollbackguard.verdict.Action;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Keeps a policy's status under a size budget when many targets carry detail at once: the least urgent targets lose
 * their findings, procedure and timeline first (their evaluation and tracking, needed to resume, always stay).
 */
final class DetailBudget {
  /** Well under etcd's object limit, and what the issue allows a policy's status. */
  static final int BYTES = 200 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private DetailBudget() {}

  static void fit(List<DeploymentStatus> targets, int budget) {
    int[] sizes = new int[targets.size()];
    long total = 0;
    for (int i = 0; i < targets.size(); i++) {
      sizes[i] = size(targets.get(i));
      total += sizes[i];
    }
    if (total <= budget) {
      return;
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      if (hasDetail(targets.get(i))) {
        order.add(i);
      }
    }
    order.sort(Comparator.comparingInt((Integer i) -> urgency(targets.get(i))));
    for (int i : order) {
      if (total <= budget) {
        return;
      }
      DeploymentStatus d = targets.get(i);
      d.findings = List.of();
      d.procedure = null;
      d.timeline = List.of();
      d.images = List.of();
      d.stableImages = List.of();
      int trimmed = size(d);
      total -= sizes[i] - trimmed;
    }
  }

  private static boolean hasDetail(DeploymentStatus d) {
    return !d.findings.isEmpty() || d.procedure != null || !d.timeline.isEmpty();
  }

  /** Higher is more urgent: an action by its severity, then a window still open. */
  private static int urgency(DeploymentStatus d) {
    Action a = d.action == null ? Action.None : d.action;
    int open = d.phase == null ? 0 : switch (d.phase) {
      case Pending, Observing -> 1;
      default -> 0;
    };
    return a.ordinal() * 2 + open;
  }

  private static int size(DeploymentStatus d) {
    try {
      return JSON.writeValueAsBytes(d).length;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
