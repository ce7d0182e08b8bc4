package io.rollbackguard.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.javaoperatorsdk.operator.health.Status;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * One controller's view of the shared {@link WorkloadCache}: maps a workload's change to the primaries it concerns
 * (a verdict, or the policies selecting a Deployment) and hands them to JOSDK. Its start and stop start and stop
 * the cache (counted: the cache runs while either controller does); its health is the cache's.
 */
final class WorkloadEvents<P extends HasMetadata> extends AbstractEventSource<Void, P> {
  private final WorkloadCache cache;

  WorkloadEvents(String name, WorkloadCache cache) {
    super(Void.class, name);
    this.cache = cache;
  }

  /** Deployment events; an update only when {@code changed(before, now)} says it matters here. */
  WorkloadEvents<P> deployments(Function<Deployment, Set<ResourceID>> primaries,
      BiPredicate<Deployment, Deployment> changed) {
    cache.onDeployments(handler(primaries, changed));
    return this;
  }

  WorkloadEvents<P> replicaSets(Function<ReplicaSet, Set<ResourceID>> primaries) {
    cache.onReplicaSets(handler(primaries, (before, now) -> true));
    return this;
  }

  WorkloadEvents<P> pods(Function<Pod, Set<ResourceID>> primaries) {
    cache.onPods(handler(primaries, (before, now) -> true));
    return this;
  }

  private <T> ResourceEventHandler<T> handler(Function<T, Set<ResourceID>> primaries, BiPredicate<T, T> changed) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        fire(primaries.apply(object));
      }

      @Override
      public void onUpdate(T before, T now) {
        if (changed.test(before, now)) {
          fire(primaries.apply(now));
        }
      }

      @Override
      public void onDelete(T object, boolean finalStateUnknown) {
        fire(primaries.apply(object));
      }
    };
  }

  /**
   * Before this source runs, its controller has not listed its primaries yet: they are all reconciled once it does,
   * from the (synced) cache, so an event dropped here is not lost.
   */
  private void fire(Set<ResourceID> ids) {
    if (isRunning() && getEventHandler() != null) {
      ids.forEach(id -> getEventHandler().handleEvent(new Event(id)));
    }
  }

  @Override
  public Set<Void> getSecondaryResources(P primary) {
    return Set.of();
  }

  @Override
  public void start() {
    cache.start();
    super.start();
  }

  @Override
  public void stop() {
    super.stop();
    cache.stop();
  }

  @Override
  public Status getStatus() {
    return cache.healthy() ? Status.HEALTHY : Status.UNHEALTHY;
  }
}
