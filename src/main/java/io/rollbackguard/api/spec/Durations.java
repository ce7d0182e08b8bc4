package io.rollbackguard.api.spec;

/** The duration syntax of the API: Go's (what Kubernetes CEL's duration() reads), e.g. 30s, 1m30s, 1500ms. */
public final class Durations {
  public static final String PATTERN = "^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$";

  private Durations() {}
}
