package io.rollbackguard.signals;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/** What a crash-loop check needs of one pod. */
public record PodState(String name, boolean crashLoopBackOff, int restarts) {

  public static PodState of(Pod pod) {
    boolean looping = false;
    int restarts = 0;
    List<ContainerStatus> statuses = pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
    if (statuses != null) {
      for (ContainerStatus c : statuses) {
        restarts += c.getRestartCount() == null ? 0 : c.getRestartCount();
        looping |= c.getState() != null && c.getState().getWaiting() != null
            && "CrashLoopBackOff".equals(c.getState().getWaiting().getReason());
      }
    }
    return new PodState(pod.getMetadata().getName(), looping, restarts);
  }
}
