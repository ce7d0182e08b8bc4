package io.rollbackguard.promql;

/** The four types of PromQL expressions, named as the Prometheus documentation names them. */
public enum ValueType {
  SCALAR("a scalar"), VECTOR("an instant vector"), MATRIX("a range vector"), STRING("a string");

  private final String described;

  ValueType(String described) {
    this.described = described;
  }

  /** "an instant vector", for messages. */
  public String described() {
    return described;
  }
}
