package io.rollbackguard.operator;

import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.rollbackguard.api.RolloutVerdict;

/** Lets the sampler wake one verdict when its metric readings arrive: an event source with no resource of its own. */
final class Wakeups extends AbstractEventSource<Void, RolloutVerdict> {
  Wakeups() {
    super(Void.class, "sampler-wakeups");
  }

  @Override
  public java.util.Set<Void> getSecondaryResources(RolloutVerdict primary) {
    return java.util.Set.of();
  }

  void wake(String namespace, String name) {
    if (isRunning()) {
      getEventHandler().handleEvent(new Event(new ResourceID(name, namespace)));
    }
  }
}
