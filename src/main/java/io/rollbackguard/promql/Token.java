package io.rollbackguard.promql;

/**
 * One lexical unit of a query.
 *
 * @param text the characters as written (a string with its quotes)
 * @param value what a string means once its escapes are read; null for other kinds
 * @param start offset of the first character in the query
 * @param end offset after the last character
 */
record Token(Kind kind, String text, String value, int start, int end) {
  enum Kind {
    EOF, IDENTIFIER, METRIC_IDENTIFIER, NUMBER, DURATION, STRING,
    /** Characters that are no token of PromQL where they stand; the parser says what it expected instead. */
    UNEXPECTED,
    LEFT_PAREN, RIGHT_PAREN, LEFT_BRACE, RIGHT_BRACE, LEFT_BRACKET, RIGHT_BRACKET, COMMA, COLON, AT,
    EQL, EQL_REGEX, NEQ_REGEX,
    EQLC, NEQ, LSS, LTE, GTR, GTE, ADD, SUB, MUL, DIV, MOD, POW, ATAN2, AND, OR, UNLESS,
    AGGREGATOR, BY, WITHOUT, ON, IGNORING, GROUP_LEFT, GROUP_RIGHT, BOOL, OFFSET, START, END
  }

  boolean is(Kind k) {
    return kind == k;
  }

  /** How a message names this token: the end of the query, or the token as written. */
  String shown() {
    if (kind == Kind.EOF) {
      return "the end of the query";
    }
    return kind == Kind.STRING ? text : "\"" + text + "\"";
  }
}
