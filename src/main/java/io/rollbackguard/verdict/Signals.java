package io.rollbackguard.verdict;

/** The names of the built-in signals, as they appear in the API and in findings. */
public final class Signals {
  public static final String ERROR_RATE = "errorRate";
  public static final String LATENCY_P95 = "latencyP95";
  public static final String REQUEST_RATE = "requestRate";
  public static final String SERVICE_DOWN = "serviceDown";
  public static final String ROLLOUT_STUCK = "rolloutStuck";
  public static final String CRASH_LOOPING = "crashLooping";
  public static final String DECLARATION = "declaration";
  /** The criterion key of a burn rate; its readings are the window signals {@code errorRate@<window>}. */
  public static final String BURN_RATE = "burnRate";
  /** The criterion key of a regression against the baseline; it reads the metric signal it names. */
  public static final String REGRESSION = "regression";
  /** Separates a signal from the window of one of its burn-rate ratios: {@code errorRate@1h}. */
  public static final char WINDOW_MARK = '@';
  /** The pseudo-signal "a sample was taken at all", which decides a Kubernetes-only window. */
  public static final String SAMPLES = "samples";

  private Signals() {}

  /** Whether this names a Kubernetes observation (serviceDown, rolloutStuck, crashLooping), not a metric. */
  public static boolean isKubernetes(String signal) {
    return SERVICE_DOWN.equals(signal) || ROLLOUT_STUCK.equals(signal) || CRASH_LOOPING.equals(signal);
  }

  /** Whether the traffic guard (minRequestRate) applies to this signal. */
  public static boolean isTrafficGuarded(String signal) {
    String base = base(signal);
    return ERROR_RATE.equals(base) || LATENCY_P95.equals(base);
  }

  /** The signal whose query a window signal ({@code errorRate@1h}) reads; the signal itself otherwise. */
  public static String base(String signal) {
    int at = signal.indexOf(WINDOW_MARK);
    return at < 0 ? signal : signal.substring(0, at);
  }

  /** Whether this is one window's ratio of a burn rate, e.g. {@code errorRate@1h}. */
  public static boolean isWindowSignal(String signal) {
    return signal.indexOf(WINDOW_MARK) >= 0;
  }

  /** Human text of a value: a ratio as a percentage, a latency in seconds. */
  public static String format(String signal, double value) {
    if (ERROR_RATE.equals(base(signal))) {
      return number(value * 100) + "%";
    }
    if (LATENCY_P95.equals(signal)) {
      return value < 1 ? number(value * 1000) + "ms" : number(value) + "s";
    }
    if (REQUEST_RATE.equals(signal)) {
      return number(value) + "/s";
    }
    return number(value);
  }

  /** Human name of a signal. */
  public static String describe(String signal) {
    if (isWindowSignal(signal)) {
      return describe(base(signal)) + " over " + signal.substring(signal.indexOf(WINDOW_MARK) + 1);
    }
    switch (signal) {
      case BURN_RATE: return "error budget burn";
      case REGRESSION: return "regression against the baseline";
      case ERROR_RATE: return "error rate";
      case LATENCY_P95: return "p95 latency";
      case REQUEST_RATE: return "request rate";
      case SERVICE_DOWN: return "service down";
      case ROLLOUT_STUCK: return "rollout stuck";
      case CRASH_LOOPING: return "crash looping";
      default: return signal;
    }
  }

  private static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    String s = String.format(java.util.Locale.ROOT, "%.3f", v);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }
}
