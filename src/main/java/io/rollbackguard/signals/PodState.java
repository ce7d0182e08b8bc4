package io.rollbackguard.signals;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/** What a crash-loop check needs of one pod. */
public record PodState(String name, boolean crashLoopBackOff, int restarts) {

  public static PodState of(Pod pod) {
    boolean looping = false;
    int restarts = 0;
    if (pod.getStatus() != null) {
      // init containers too: Init:CrashLoopBackOff keeps the new pods from ever starting
      for (List<ContainerStatus> statuses : java.util.Arrays.asList(pod.getStatus().getInitContainerStatuses(),
          pod.getStatus().getContainerStatuses())) {
        for (ContainerStatus c : statuses == null ? List.<ContainerStatus>of() : statuses) {
          restarts += c.getRestartCount() == null ? 0 : c.getRestartCount();
          looping |= c.getState() != null && c.getState().getWaiting() != null
              && "CrashLoopBackOff".equals(c.getState().getWaiting().getReason());
        }
      }
    }
    return new PodState(pod.getMetadata().getName(), looping, restarts);
  }
}
