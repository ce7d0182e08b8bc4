package io.rollbackguard.promql;

/** A query Prometheus would refuse: where (offsets in the query) and what was expected there. */
public final class PromqlException extends Exception {
  private final int start;
  private final int end;

  PromqlException(int start, int end, String message) {
    super(message);
    this.start = start;
    this.end = Math.max(end, start);
  }

  PromqlException(Token at, String message) {
    this(at.start(), at.end(), message);
  }

  /** Offset in the query of the first character at fault. */
  public int start() {
    return start;
  }

  /** Offset after the last character at fault (equal to start at the end of the query). */
  public int end() {
    return end;
  }
}
