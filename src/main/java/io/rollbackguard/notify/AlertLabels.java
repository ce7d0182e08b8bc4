package io.rollbackguard.notify;

import java.util.List;
import java.util.regex.Pattern;

/** The labels every alert carries: a policy's own labels may add to them, never replace one. */
public final class AlertLabels {
  public static final String ALERTNAME = "alertname";
  public static final String NAMESPACE = "namespace";
  public static final String DEPLOYMENT = "deployment";
  public static final String POLICY = "policy";
  public static final String REVISION = "revision";
  public static final String ACTION = "action";
  public static final String TIER = "tier";
  public static final String SEVERITY = "severity";
  public static final String DEADLINE = "deadline";
  public static final List<String> BUILT_IN =
      List.of(ALERTNAME, NAMESPACE, DEPLOYMENT, POLICY, REVISION, ACTION, TIER, SEVERITY, DEADLINE);
  /** Prometheus' label-name syntax; names starting with __ are reserved for Prometheus' own use. */
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private AlertLabels() {}

  /** Why {@code name} cannot be a policy's own label, or null. */
  public static String problem(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      return "'" + name + "' is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)";
    }
    if (name.startsWith("__")) {
      return "'" + name + "': names starting with __ are reserved";
    }
    if (BUILT_IN.contains(name)) {
      return "'" + name + "' is a built-in label of every alert (" + String.join(", ", BUILT_IN) + ")";
    }
    return null;
  }
}
