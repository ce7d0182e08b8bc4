package io.rollbackguard.promql;

import io.rollbackguard.promql.Token.Kind;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses what Prometheus' parser refuses: the grammar of promql/parser/generated_parser.y read by recursive
 * descent, and the type checks of parse.go's {@code checkAST} (operand and argument types, arities, where offset,
 * @ and ranges may stand, selectors that would match every series). It builds no syntax tree: an expression is
 * reduced to what the checks around it need. Syntax of Prometheus 3 that Prometheus 2 lacks is accepted (quoted
 * UTF-8 names, a number of seconds as a range); experimental features behind feature flags are refused, except
 * experimental functions, which are reported in {@link Result#experimental()}.
 */
public final class PromqlParser {
  /**
   * @param type what the query gives
   * @param experimental the experimental functions it uses, e.g. "mad_over_time()": Prometheus refuses them unless
   *     started with --enable-feature=promql-experimental-functions
   */
  public record Result(ValueType type, List<String> experimental) {}

  private static final int POW = 6;
  private static final Set<Kind> COMPARISONS = EnumSet.of(Kind.EQLC, Kind.NEQ, Kind.LSS, Kind.LTE, Kind.GTR,
      Kind.GTE);
  private static final Set<Kind> SET_OPERATORS = EnumSet.of(Kind.AND, Kind.OR, Kind.UNLESS);
  /** Keywords that name a metric where an expression starts (generated_parser.y's metric_identifier). */
  private static final Set<Kind> METRIC_KEYWORDS = EnumSet.of(Kind.AGGREGATOR, Kind.BY, Kind.WITHOUT, Kind.OFFSET,
      Kind.AND, Kind.OR, Kind.UNLESS, Kind.START, Kind.END);

  private final TokenCursor in;
  private final CallSyntax calls;
  private final SelectorSyntax selectors;

  private PromqlParser(List<Token> tokens) {
    in = new TokenCursor(tokens);
    calls = new CallSyntax(in, () -> binary(1));
    selectors = new SelectorSyntax(in);
  }

  /** Parses and type-checks {@code query}; throws where Prometheus would refuse it. */
  public static Result parse(String query) throws PromqlException {
    PromqlParser p = new PromqlParser(PromqlLexer.lex(query));
    if (p.in.peek().is(Kind.EOF)) {
      throw new PromqlException(0, 0, "the query is empty");
    }
    ParsedExpr e = p.binary(1);
    Token rest = p.in.peek();
    if (!rest.is(Kind.EOF)) {
      throw afterComplete(rest);
    }
    return new Result(e.type, p.calls.experimental());
  }

  // Binary operators, by precedence climbing: or < and, unless < comparisons < + - < * / % atan2 < ^ (right).

  private static int precedence(Kind k) {
    return switch (k) {
      case OR -> 1;
      case AND, UNLESS -> 2;
      case EQLC, NEQ, LSS, LTE, GTR, GTE -> 3;
      case ADD, SUB -> 4;
      case MUL, DIV, MOD, ATAN2 -> 5;
      case POW -> POW;
      default -> 0;
    };
  }

  private ParsedExpr binary(int minPrecedence) throws PromqlException {
    ParsedExpr lhs = unary();
    while (true) {
      Token op = in.peek();
      int precedence = precedence(op.kind());
      if (precedence == 0 || precedence < minPrecedence) {
        return lhs;
      }
      in.next();
      Matching matching = matching(op);
      ParsedExpr rhs = binary(op.is(Kind.POW) ? precedence : precedence + 1);
      lhs = combine(lhs, op, matching, rhs);
    }
  }

  /** bool, on (…) / ignoring (…), group_left (…) / group_right (…) after a binary operator. */
  private record Matching(boolean bool, Token on, List<String> labels, Token group, List<String> include) {}

  private Matching matching(Token op) throws PromqlException {
    boolean bool = false;
    if (in.peek().is(Kind.BOOL)) {
      Token b = in.next();
      if (!COMPARISONS.contains(op.kind())) {
        throw new PromqlException(b, "bool can only follow a comparison (==, !=, >, <, >=, <=), not \"" + op.text()
            + "\"");
      }
      bool = true;
    }
    Token on = null;
    List<String> labels = List.of();
    if (in.peek().is(Kind.ON) || in.peek().is(Kind.IGNORING)) {
      on = in.next();
      labels = calls.grouping(on);
    }
    Token group = null;
    List<String> include = List.of();
    if (in.peek().is(Kind.GROUP_LEFT) || in.peek().is(Kind.GROUP_RIGHT)) {
      group = in.next();
      if (on == null) {
        throw new PromqlException(group, group.text() + " needs on (…) or ignoring (…) before it, e.g. a / on"
            + " (instance) " + group.text() + " b");
      }
      if (in.peek().is(Kind.LEFT_PAREN)) {
        include = calls.grouping(group);
      }
    }
    return new Matching(bool, on, labels, group, include);
  }

  private ParsedExpr combine(ParsedExpr lhs, Token op, Matching m, ParsedExpr rhs) throws PromqlException {
    operand(lhs, op, "left");
    operand(rhs, op, "right");
    boolean vectors = lhs.type == ValueType.VECTOR && rhs.type == ValueType.VECTOR;
    if (COMPARISONS.contains(op.kind()) && !m.bool() && lhs.type == ValueType.SCALAR
        && rhs.type == ValueType.SCALAR) {
      throw new PromqlException(op, "comparing two scalars needs bool, e.g. 1 " + op.text() + " bool 0");
    }
    if (SET_OPERATORS.contains(op.kind())) {
      if (!vectors) {
        throw new PromqlException(op, "\"" + op.text() + "\" needs instant vectors on both sides, not scalars");
      }
      if (m.group() != null) {
        throw new PromqlException(m.group(), m.group().text() + " cannot be used with \"" + op.text() + "\"");
      }
    }
    if (!vectors && m.on() != null && !m.labels().isEmpty()) {
      throw new PromqlException(m.on(), m.on().text() + " (…) matches labels of two instant vectors; here one side"
          + " of \"" + op.text() + "\" is a scalar");
    }
    if (m.on() != null && m.on().is(Kind.ON)) {
      for (String label : m.labels()) {
        if (m.include().contains(label)) {
          throw new PromqlException(m.group(), "the label \"" + label + "\" must not be in both on (…) and "
              + m.group().text() + " (…)");
        }
      }
    }
    ValueType type = lhs.type == ValueType.SCALAR && rhs.type == ValueType.SCALAR ? ValueType.SCALAR
        : ValueType.VECTOR;
    return new ParsedExpr(ParsedExpr.Shape.BINARY, type, lhs.start, rhs.end);
  }

  private static void operand(ParsedExpr e, Token op, String side) throws PromqlException {
    if (e.type == ValueType.SCALAR || e.type == ValueType.VECTOR) {
      return;
    }
    String hint = e.type == ValueType.MATRIX ? ": turn it into an instant vector with a function such as rate()"
        : "";
    throw new PromqlException(e.start, e.end, "\"" + op.text() + "\" needs an instant vector or a scalar on its "
        + side + ", got " + e.type.described() + hint);
  }

  /** A sign binds tighter than * and /, looser than ^: -a^b is -(a^b). */
  private ParsedExpr unary() throws PromqlException {
    if (!in.peek().is(Kind.ADD) && !in.peek().is(Kind.SUB)) {
      return postfix(primary());
    }
    Token sign = in.next();
    ParsedExpr inner = binary(POW);
    if (inner.type != ValueType.SCALAR && inner.type != ValueType.VECTOR) {
      throw new PromqlException(sign, "a sign needs an instant vector or a scalar after it, got "
          + inner.type.described());
    }
    return new ParsedExpr(inner.shape == ParsedExpr.Shape.NUMBER ? ParsedExpr.Shape.NUMBER : ParsedExpr.Shape.UNARY, inner.type, sign.start(), inner.end);
  }

  // What may follow an expression: a range [5m], a subquery [5m:1m], offset 5m, @ timestamp.

  private ParsedExpr postfix(ParsedExpr e) throws PromqlException {
    while (true) {
      Token t = in.peek();
      if (t.is(Kind.LEFT_BRACKET)) {
        e = range(e);
      } else if (t.is(Kind.OFFSET)) {
        modifier(e, in.next(), "offset");
        if (in.peek().is(Kind.SUB)) {
          in.next();
        }
        duration("an offset");
        e.offset = true;
        e.end = in.previous().end();
      } else if (t.is(Kind.AT)) {
        modifier(e, in.next(), "@");
        e.atTimestamp = timestamp();
        e.at = true;
        e.end = in.previous().end();
      } else {
        return e;
      }
    }
  }

  private ParsedExpr range(ParsedExpr e) throws PromqlException {
    Token open = in.next();
    duration("a range");
    if (in.peek().is(Kind.COLON)) {
      in.next();
      if (!in.peek().is(Kind.RIGHT_BRACKET)) {
        duration("a subquery step");
      }
      Token close = in.expect(Kind.RIGHT_BRACKET, "\"]\" to close the subquery");
      if (e.type != ValueType.VECTOR) {
        throw new PromqlException(open.start(), close.end(), "a subquery [range:step] needs an instant vector"
            + " before it, got " + e.type.described());
      }
      return new ParsedExpr(ParsedExpr.Shape.SUBQUERY, ValueType.MATRIX, e.start, close.end());
    }
    Token close = in.expect(Kind.RIGHT_BRACKET, "\"]\" or \":\" after the range");
    if (e.shape != ParsedExpr.Shape.SELECTOR) {
      throw new PromqlException(open.start(), close.end(), "a range such as [5m] can only follow a selector such as"
          + " http_requests_total{job=\"api\"}; after any other expression, use a subquery such as [5m:1m]");
    }
    if (e.offset || e.atTimestamp) {
      throw new PromqlException(open.start(), close.end(), "write the range before " + (e.offset ? "offset" : "@")
          + ", e.g. x[5m] " + (e.offset ? "offset 1h" : "@ 1700000000"));
    }
    return new ParsedExpr(ParsedExpr.Shape.RANGE, ValueType.MATRIX, e.start, close.end());
  }

  private static void modifier(ParsedExpr e, Token keyword, String name) throws PromqlException {
    if (e.shape != ParsedExpr.Shape.SELECTOR && e.shape != ParsedExpr.Shape.RANGE && e.shape != ParsedExpr.Shape.SUBQUERY) {
      throw new PromqlException(keyword, name + " can only follow a selector, a range or a subquery, e.g."
          + " rate(x[5m] " + (name.equals("offset") ? "offset 1h" : "@ 1700000000") + ")");
    }
    if (name.equals("offset") ? e.offset : e.at) {
      throw new PromqlException(keyword, name + " is given twice");
    }
  }

  /** A duration, or a number of seconds (Prometheus 3), longer than 0. */
  private void duration(String what) throws PromqlException {
    Token t = in.peek();
    long millis;
    if (t.is(Kind.DURATION)) {
      millis = durationMillis(t);
    } else if (t.is(Kind.NUMBER)) {
      double seconds = TokenCursor.number(t);
      millis = Double.isFinite(seconds) ? (long) (seconds * 1000) : -1;
      if (millis < 0 || seconds * 1000 > PrometheusDuration.MAX_MILLIS) {
        throw new PromqlException(t, t.shown() + " is not " + what + ": use a duration such as 5m");
      }
    } else {
      throw new PromqlException(t, "expected " + what + " such as 5m, got " + t.shown());
    }
    if (millis == 0) {
      throw new PromqlException(t, what.substring(what.indexOf(' ') + 1) + " must be longer than 0s");
    }
    in.next();
  }

  private static long durationMillis(Token t) throws PromqlException {
    try {
      return PrometheusDuration.parseMillis(t.text());
    } catch (PrometheusDuration.InvalidDurationException e) {
      throw new PromqlException(t, e.getMessage());
    }
  }

  /** Reads what follows @; whether it is a timestamp (not start() or end()). */
  private boolean timestamp() throws PromqlException {
    Token t = in.peek();
    if (t.is(Kind.START) || t.is(Kind.END)) {
      in.next();
      in.expect(Kind.LEFT_PAREN, "\"(\" after " + t.text());
      in.expect(Kind.RIGHT_PAREN, "\")\" after " + t.text() + "(");
      return false;
    }
    if (t.is(Kind.ADD) || t.is(Kind.SUB)) {
      in.next();
    }
    Token n = in.peek();
    if (n.is(Kind.DURATION)) {
      durationMillis(n);
    } else if (!n.is(Kind.NUMBER) || !Double.isFinite(TokenCursor.number(n))) {
      throw new PromqlException(n, "expected a Unix timestamp, start() or end() after @, got " + n.shown());
    }
    in.next();
    return true;
  }

  // Expressions that start with a token of their own.

  private ParsedExpr primary() throws PromqlException {
    Token t = in.peek();
    switch (t.kind()) {
      case NUMBER -> {
        in.next();
        TokenCursor.number(t);
        return new ParsedExpr(ParsedExpr.Shape.NUMBER, ValueType.SCALAR, t.start(), t.end());
      }
      case DURATION -> {
        in.next();
        durationMillis(t);
        return new ParsedExpr(ParsedExpr.Shape.NUMBER, ValueType.SCALAR, t.start(), t.end());
      }
      case STRING -> {
        in.next();
        return new ParsedExpr(ParsedExpr.Shape.STRING, ValueType.STRING, t.start(), t.end());
      }
      case LEFT_PAREN -> {
        in.next();
        ParsedExpr inner = binary(1);
        Token close = in.closing(t, "\")\" to close the \"(\" at column " + (t.start() + 1));
        return new ParsedExpr(ParsedExpr.Shape.PAREN, inner.type, t.start(), close.end());
      }
      case LEFT_BRACE -> {
        return selectors.selector(null);
      }
      case IDENTIFIER -> {
        return in.peekAt(1).is(Kind.LEFT_PAREN) ? calls.call() : selectors.selector(in.next());
      }
      case METRIC_IDENTIFIER -> {
        return selectors.selector(in.next());
      }
      case UNEXPECTED -> throw new PromqlException(t, TokenCursor.unexpected(t));
      case EOF -> throw new PromqlException(t, "expected an expression, got the end of the query");
      default -> {
        if (t.is(Kind.AGGREGATOR)) {
          Token after = in.peekAt(1);
          if (after.is(Kind.LEFT_PAREN) || after.is(Kind.BY) || after.is(Kind.WITHOUT)) {
            return calls.aggregation();
          }
        }
        if (METRIC_KEYWORDS.contains(t.kind())) {
          return selectors.selector(in.next());
        }
        throw new PromqlException(t, "expected an expression, got " + t.shown());
      }
    }
  }

  /** What to say about a token left over after a whole expression. */
  private static PromqlException afterComplete(Token t) {
    String message = switch (t.kind()) {
      case EQL -> "unexpected \"=\": compare with ==";
      case RIGHT_PAREN -> "unexpected \")\": no \"(\" is open";
      case RIGHT_BRACE -> "unexpected \"}\": no \"{\" is open";
      case RIGHT_BRACKET -> "unexpected \"]\": no \"[\" is open";
      case UNEXPECTED -> TokenCursor.unexpected(t);
      default -> "unexpected " + t.shown() + " after a complete expression: expected an operator (such as +, /,"
          + " and, or) or the end of the query";
    };
    return new PromqlException(t, message);
  }
}
