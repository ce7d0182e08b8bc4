package io.rollbackguard.promql;

/** What the checks need to know of a parsed expression: its shape, its type, where it stands, its modifiers. */
final class ParsedExpr {
  enum Shape { NUMBER, STRING, SELECTOR, RANGE, SUBQUERY, CALL, AGGREGATION, BINARY, UNARY, PAREN }

  final Shape shape;
  final ValueType type;
  final int start;
  int end;
  boolean offset;
  boolean at;
  /** An @ with a timestamp, not start() or end(): Prometheus refuses a range after it, but not after those. */
  boolean atTimestamp;

  ParsedExpr(Shape shape, ValueType type, int start, int end) {
    this.shape = shape;
    this.type = type;
    this.start = start;
    this.end = end;
  }
}
