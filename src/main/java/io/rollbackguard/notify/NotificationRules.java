package io.rollbackguard.notify;

import io.rollbackguard.api.status.Action;
import java.util.Map;
import java.util.TreeMap;

/**
 * A policy's {@code spec.notifications}, validated: which verdicts notify, and the labels its alerts carry besides the
 * built-in ones.
 *
 * @param minAction the least action that notifies
 * @param labels added to every alert of the policy (never a built-in label)
 */
public record NotificationRules(Action minAction, Map<String, String> labels) {
  public static final NotificationRules DEFAULT = new NotificationRules(Action.Evaluate, Map.of());

  public NotificationRules {
    labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
  }

  public boolean notifies(Action action) {
    return action != null && action != Action.None && action.compareTo(minAction) >= 0;
  }
}
