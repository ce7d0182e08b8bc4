package io.rollbackguard.promql;

import io.rollbackguard.promql.Token.Kind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
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

  private enum Shape { NUMBER, STRING, SELECTOR, RANGE, SUBQUERY, CALL, AGGREGATION, BINARY, UNARY, PAREN }

  /** What the checks need to know of a parsed expression. */
  private static final class Expr {
    final Shape shape;
    final ValueType type;
    final int start;
    int end;
    boolean offset;
    boolean at;
    /** An @ with a timestamp, not start() or end(): Prometheus refuses a range after it, but not after those. */
    boolean atTimestamp;

    Expr(Shape shape, ValueType type, int start, int end) {
      this.shape = shape;
      this.type = type;
      this.start = start;
      this.end = end;
    }
  }

  private static final int POW = 6;
  private static final Set<Kind> COMPARISONS = EnumSet.of(Kind.EQLC, Kind.NEQ, Kind.LSS, Kind.LTE, Kind.GTR,
      Kind.GTE);
  private static final Set<Kind> SET_OPERATORS = EnumSet.of(Kind.AND, Kind.OR, Kind.UNLESS);
  private static final Set<Kind> MATCH_OPERATORS = EnumSet.of(Kind.EQL, Kind.NEQ, Kind.EQL_REGEX, Kind.NEQ_REGEX);
  /** Keywords that name a metric where an expression starts (generated_parser.y's metric_identifier). */
  private static final Set<Kind> METRIC_KEYWORDS = EnumSet.of(Kind.AGGREGATOR, Kind.BY, Kind.WITHOUT, Kind.OFFSET,
      Kind.AND, Kind.OR, Kind.UNLESS, Kind.START, Kind.END);
  /** Keywords that may be label names in by (…), on (…) and the like (generated_parser.y's maybe_label). */
  private static final Set<Kind> LABEL_KEYWORDS = EnumSet.of(Kind.AGGREGATOR, Kind.BY, Kind.WITHOUT, Kind.ON,
      Kind.IGNORING, Kind.GROUP_LEFT, Kind.GROUP_RIGHT, Kind.BOOL, Kind.OFFSET, Kind.START, Kind.END, Kind.AND,
      Kind.OR, Kind.UNLESS, Kind.ATAN2);
  private static final Set<String> PARAMETER_AGGREGATORS = Set.of("topk", "bottomk", "quantile", "count_values",
      "limitk", "limit_ratio");
  private static final Set<String> EXPERIMENTAL_AGGREGATORS = Set.of("limitk", "limit_ratio");

  private final List<Token> tokens;
  private final Set<String> experimental = new LinkedHashSet<>();
  private int pos;

  private PromqlParser(List<Token> tokens) {
    this.tokens = tokens;
  }

  /** Parses and type-checks {@code query}; throws where Prometheus would refuse it. */
  public static Result parse(String query) throws PromqlException {
    PromqlParser p = new PromqlParser(PromqlLexer.lex(query));
    if (p.peek().is(Kind.EOF)) {
      throw new PromqlException(0, 0, "the query is empty");
    }
    Expr e = p.binary(1);
    Token rest = p.peek();
    if (!rest.is(Kind.EOF)) {
      throw p.afterComplete(rest);
    }
    return new Result(e.type, List.copyOf(p.experimental));
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

  private Expr binary(int minPrecedence) throws PromqlException {
    Expr lhs = unary();
    while (true) {
      Token op = peek();
      int precedence = precedence(op.kind());
      if (precedence == 0 || precedence < minPrecedence) {
        return lhs;
      }
      next();
      Matching matching = matching(op);
      Expr rhs = binary(op.is(Kind.POW) ? precedence : precedence + 1);
      lhs = combine(lhs, op, matching, rhs);
    }
  }

  /** bool, on (…) / ignoring (…), group_left (…) / group_right (…) after a binary operator. */
  private record Matching(boolean bool, Token on, List<String> labels, Token group, List<String> include) {}

  private Matching matching(Token op) throws PromqlException {
    boolean bool = false;
    if (peek().is(Kind.BOOL)) {
      Token b = next();
      if (!COMPARISONS.contains(op.kind())) {
        throw new PromqlException(b, "bool can only follow a comparison (==, !=, >, <, >=, <=), not \"" + op.text()
            + "\"");
      }
      bool = true;
    }
    Token on = null;
    List<String> labels = List.of();
    if (peek().is(Kind.ON) || peek().is(Kind.IGNORING)) {
      on = next();
      labels = grouping(on);
    }
    Token group = null;
    List<String> include = List.of();
    if (peek().is(Kind.GROUP_LEFT) || peek().is(Kind.GROUP_RIGHT)) {
      group = next();
      if (on == null) {
        throw new PromqlException(group, group.text() + " needs on (…) or ignoring (…) before it, e.g. a / on"
            + " (instance) " + group.text() + " b");
      }
      if (peek().is(Kind.LEFT_PAREN)) {
        include = grouping(group);
      }
    }
    return new Matching(bool, on, labels, group, include);
  }

  private Expr combine(Expr lhs, Token op, Matching m, Expr rhs) throws PromqlException {
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
    return new Expr(Shape.BINARY, type, lhs.start, rhs.end);
  }

  private static void operand(Expr e, Token op, String side) throws PromqlException {
    if (e.type == ValueType.SCALAR || e.type == ValueType.VECTOR) {
      return;
    }
    String hint = e.type == ValueType.MATRIX ? ": turn it into an instant vector with a function such as rate()"
        : "";
    throw new PromqlException(e.start, e.end, "\"" + op.text() + "\" needs an instant vector or a scalar on its "
        + side + ", got " + e.type.described() + hint);
  }

  /** A sign binds tighter than * and /, looser than ^: -a^b is -(a^b). */
  private Expr unary() throws PromqlException {
    if (!peek().is(Kind.ADD) && !peek().is(Kind.SUB)) {
      return postfix(primary());
    }
    Token sign = next();
    Expr inner = binary(POW);
    if (inner.type != ValueType.SCALAR && inner.type != ValueType.VECTOR) {
      throw new PromqlException(sign, "a sign needs an instant vector or a scalar after it, got "
          + inner.type.described());
    }
    return new Expr(inner.shape == Shape.NUMBER ? Shape.NUMBER : Shape.UNARY, inner.type, sign.start(), inner.end);
  }

  // What may follow an expression: a range [5m], a subquery [5m:1m], offset 5m, @ timestamp.

  private Expr postfix(Expr e) throws PromqlException {
    while (true) {
      Token t = peek();
      if (t.is(Kind.LEFT_BRACKET)) {
        e = range(e);
      } else if (t.is(Kind.OFFSET)) {
        modifier(e, next(), "offset");
        if (peek().is(Kind.SUB)) {
          next();
        }
        duration("an offset");
        e.offset = true;
        e.end = previous().end();
      } else if (t.is(Kind.AT)) {
        modifier(e, next(), "@");
        e.atTimestamp = timestamp();
        e.at = true;
        e.end = previous().end();
      } else {
        return e;
      }
    }
  }

  private Expr range(Expr e) throws PromqlException {
    Token open = next();
    duration("a range");
    if (peek().is(Kind.COLON)) {
      next();
      if (!peek().is(Kind.RIGHT_BRACKET)) {
        duration("a subquery step");
      }
      Token close = expect(Kind.RIGHT_BRACKET, "\"]\" to close the subquery");
      if (e.type != ValueType.VECTOR) {
        throw new PromqlException(open.start(), close.end(), "a subquery [range:step] needs an instant vector"
            + " before it, got " + e.type.described());
      }
      return new Expr(Shape.SUBQUERY, ValueType.MATRIX, e.start, close.end());
    }
    Token close = expect(Kind.RIGHT_BRACKET, "\"]\" or \":\" after the range");
    if (e.shape != Shape.SELECTOR) {
      throw new PromqlException(open.start(), close.end(), "a range such as [5m] can only follow a selector such as"
          + " http_requests_total{job=\"api\"}; after any other expression, use a subquery such as [5m:1m]");
    }
    if (e.offset || e.atTimestamp) {
      throw new PromqlException(open.start(), close.end(), "write the range before " + (e.offset ? "offset" : "@")
          + ", e.g. x[5m] " + (e.offset ? "offset 1h" : "@ 1700000000"));
    }
    return new Expr(Shape.RANGE, ValueType.MATRIX, e.start, close.end());
  }

  private static void modifier(Expr e, Token keyword, String name) throws PromqlException {
    if (e.shape != Shape.SELECTOR && e.shape != Shape.RANGE && e.shape != Shape.SUBQUERY) {
      throw new PromqlException(keyword, name + " can only follow a selector, a range or a subquery, e.g."
          + " rate(x[5m] " + (name.equals("offset") ? "offset 1h" : "@ 1700000000") + ")");
    }
    if (name.equals("offset") ? e.offset : e.at) {
      throw new PromqlException(keyword, name + " is given twice");
    }
  }

  /** A duration, or a number of seconds (Prometheus 3), longer than 0. */
  private void duration(String what) throws PromqlException {
    Token t = peek();
    long millis;
    if (t.is(Kind.DURATION)) {
      millis = durationMillis(t);
    } else if (t.is(Kind.NUMBER)) {
      double seconds = number(t);
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
    next();
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
    Token t = peek();
    if (t.is(Kind.START) || t.is(Kind.END)) {
      next();
      expect(Kind.LEFT_PAREN, "\"(\" after " + t.text());
      expect(Kind.RIGHT_PAREN, "\")\" after " + t.text() + "(");
      return false;
    }
    if (t.is(Kind.ADD) || t.is(Kind.SUB)) {
      next();
    }
    Token n = peek();
    if (n.is(Kind.DURATION)) {
      durationMillis(n);
    } else if (!n.is(Kind.NUMBER) || !Double.isFinite(number(n))) {
      throw new PromqlException(n, "expected a Unix timestamp, start() or end() after @, got " + n.shown());
    }
    next();
    return true;
  }

  // Expressions that start with a token of their own.

  private Expr primary() throws PromqlException {
    Token t = peek();
    switch (t.kind()) {
      case NUMBER -> {
        next();
        number(t);
        return new Expr(Shape.NUMBER, ValueType.SCALAR, t.start(), t.end());
      }
      case DURATION -> {
        next();
        durationMillis(t);
        return new Expr(Shape.NUMBER, ValueType.SCALAR, t.start(), t.end());
      }
      case STRING -> {
        next();
        return new Expr(Shape.STRING, ValueType.STRING, t.start(), t.end());
      }
      case LEFT_PAREN -> {
        next();
        Expr inner = binary(1);
        Token close = closing(t, "\")\" to close the \"(\" at column " + (t.start() + 1));
        return new Expr(Shape.PAREN, inner.type, t.start(), close.end());
      }
      case LEFT_BRACE -> {
        return selector(null);
      }
      case IDENTIFIER -> {
        return peekAt(1).is(Kind.LEFT_PAREN) ? call() : selector(next());
      }
      case METRIC_IDENTIFIER -> {
        return selector(next());
      }
      case UNEXPECTED -> throw new PromqlException(t, unexpected(t));
      case EOF -> throw new PromqlException(t, "expected an expression, got the end of the query");
      default -> {
        if (t.is(Kind.AGGREGATOR)) {
          Token after = peekAt(1);
          if (after.is(Kind.LEFT_PAREN) || after.is(Kind.BY) || after.is(Kind.WITHOUT)) {
            return aggregation();
          }
        }
        if (METRIC_KEYWORDS.contains(t.kind())) {
          return selector(next());
        }
        throw new PromqlException(t, "expected an expression, got " + t.shown());
      }
    }
  }

  private Expr call() throws PromqlException {
    Token name = next();
    Token open = next();
    PromqlFunctions.Function f = PromqlFunctions.find(name.text());
    if (f == null) {
      String closest = PromqlFunctions.closest(name.text());
      throw new PromqlException(name, "unknown function \"" + name.text() + "\""
          + (closest == null ? "" : " (did you mean " + closest + "?)"));
    }
    if (f.experimental()) {
      experimental.add(f.name() + "()");
    }
    List<Expr> args = arguments(open, f.name() + "()");
    int n = args.size();
    if (n < f.minArgs() || (f.maxArgs() >= 0 && n > f.maxArgs())) {
      throw new PromqlException(name.start(), previous().end(), f.name() + "() takes " + arity(f) + ", got " + n);
    }
    for (int i = 0; i < n; i++) {
      ValueType expected = f.argType(i);
      Expr arg = args.get(i);
      if (arg.type != expected) {
        String which = f.maxArgs() == 1 ? "the argument of " : "argument " + (i + 1) + " of ";
        String hint = expected == ValueType.MATRIX && arg.type == ValueType.VECTOR
            ? ": add a range, e.g. " + f.name() + "(http_requests_total[5m])" : "";
        throw new PromqlException(arg.start, arg.end, which + f.name() + "() must be " + expected.described()
            + ", got " + arg.type.described() + hint);
      }
    }
    return new Expr(Shape.CALL, f.returns(), name.start(), previous().end());
  }

  private static String arity(PromqlFunctions.Function f) {
    int min = f.minArgs();
    int max = f.maxArgs();
    if (max < 0) {
      return "at least " + arguments(min);
    }
    if (min == max) {
      return min == 0 ? "no arguments" : arguments(min);
    }
    return min == 0 ? "at most " + arguments(max) : min + " to " + max + " arguments";
  }

  private static String arguments(int n) {
    return n + (n == 1 ? " argument" : " arguments");
  }

  private Expr aggregation() throws PromqlException {
    Token op = next();
    String name = op.text().toLowerCase(Locale.ROOT);
    boolean grouped = peek().is(Kind.BY) || peek().is(Kind.WITHOUT);
    String modifier = grouped ? " " + peek().text().toLowerCase(Locale.ROOT) + " (…)" : "";
    if (grouped) {
      grouping(next());
    }
    Token open = peek();
    if (!open.is(Kind.LEFT_PAREN)) {
      throw new PromqlException(open, "expected \"(\" and what to aggregate after " + name + modifier + ", got "
          + open.shown());
    }
    next();
    List<Expr> args = arguments(open, name + "()");
    if (!grouped && (peek().is(Kind.BY) || peek().is(Kind.WITHOUT))) {
      grouping(next());
    }
    int end = previous().end();
    if (EXPERIMENTAL_AGGREGATORS.contains(name)) {
      experimental.add(name + "()");
    }
    boolean parameter = PARAMETER_AGGREGATORS.contains(name);
    int wanted = parameter ? 2 : 1;
    if (args.size() != wanted) {
      throw new PromqlException(op.start(), end, name + "() takes " + (parameter
          ? "2 arguments (a parameter and an instant vector)" : "1 argument (an instant vector)") + ", got "
          + args.size());
    }
    Expr body = args.get(wanted - 1);
    if (body.type != ValueType.VECTOR) {
      String hint = body.type == ValueType.MATRIX
          ? ": turn it into an instant vector with a function such as rate()" : "";
      throw new PromqlException(body.start, body.end, "what " + name + "() aggregates must be an instant vector,"
          + " got " + body.type.described() + hint);
    }
    if (parameter) {
      ValueType type = name.equals("count_values") ? ValueType.STRING : ValueType.SCALAR;
      Expr param = args.get(0);
      if (param.type != type) {
        throw new PromqlException(param.start, param.end, "the parameter of " + name + "() must be "
            + type.described() + ", got " + param.type.described());
      }
    }
    return new Expr(Shape.AGGREGATION, ValueType.VECTOR, op.start(), end);
  }

  /** The arguments after {@code open}, up to and including the closing parenthesis. */
  private List<Expr> arguments(Token open, String of) throws PromqlException {
    List<Expr> args = new ArrayList<>();
    if (peek().is(Kind.RIGHT_PAREN)) {
      next();
      return args;
    }
    while (true) {
      args.add(binary(1));
      Token t = peek();
      if (t.is(Kind.COMMA)) {
        next();
        if (peek().is(Kind.RIGHT_PAREN)) {
          throw new PromqlException(t, "trailing comma in the arguments of " + of);
        }
      } else if (t.is(Kind.RIGHT_PAREN)) {
        next();
        return args;
      } else {
        closing(open, "\",\" or \")\" in the arguments of " + of);
      }
    }
  }

  /** The labels of by (…), without (…), on (…), ignoring (…), group_left (…) or group_right (…). */
  private List<String> grouping(Token keyword) throws PromqlException {
    String of = keyword.text().toLowerCase(Locale.ROOT) + " (…)";
    Token open = expect(Kind.LEFT_PAREN, "\"(\" and a list of labels after " + keyword.text());
    List<String> labels = new ArrayList<>();
    while (true) {
      Token t = peek();
      if (t.is(Kind.RIGHT_PAREN)) {
        next();
        return labels;
      }
      if (t.is(Kind.STRING)) {
        labels.add(t.value());
      } else if ((t.is(Kind.IDENTIFIER) || LABEL_KEYWORDS.contains(t.kind()))
          && t.text().matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
        labels.add(t.text());
      } else if (t.is(Kind.EOF)) {
        closing(open, "\")\" to close " + of);
      } else {
        throw new PromqlException(t, "expected a label name in " + of + ", got " + t.shown());
      }
      next();
      Token separator = peek();
      if (separator.is(Kind.COMMA)) {
        next();
      } else if (!separator.is(Kind.RIGHT_PAREN)) {
        closing(open, "\",\" or \")\" in " + of);
      }
    }
  }

  // Selectors: name{label="value", …}.

  private Expr selector(Token name) throws PromqlException {
    int start = name == null ? peek().start() : name.start();
    int end = name == null ? start : name.end();
    List<String[]> matchers = new ArrayList<>();
    if (peek().is(Kind.LEFT_BRACE)) {
      matchers(matchers);
      end = previous().end();
    }
    boolean nonEmpty = name != null;
    for (String[] m : matchers) {
      if (name != null && m[0].equals("__name__")) {
        throw new PromqlException(start, end, "the metric name is given twice: \"" + name.text()
            + "\" and __name__ " + m[1] + " \"" + m[2] + "\"");
      }
      nonEmpty |= !matchesEmpty(m[1], m[2]);
    }
    if (!nonEmpty) {
      throw new PromqlException(start, end, "a selector needs a metric name, or a matcher that does not match the"
          + " empty string, e.g. {job=\"api\"}: this one would select every series");
    }
    return new Expr(Shape.SELECTOR, ValueType.VECTOR, start, end);
  }

  /** Reads {label op "value", …} into {@code out} as {label, op, value}. */
  private void matchers(List<String[]> out) throws PromqlException {
    Token open = next();
    while (true) {
      Token t = peek();
      if (t.is(Kind.RIGHT_BRACE)) {
        next();
        return;
      }
      if (t.is(Kind.EOF)) {
        closing(open, "\"}\" to close the selector");
      }
      if (!t.is(Kind.IDENTIFIER) && !t.is(Kind.STRING)) {
        throw new PromqlException(t, "expected a label name or \"}\" in the selector, got " + t.shown()
            + (t.is(Kind.UNEXPECTED) ? " (" + unexpected(t) + ")" : ""));
      }
      Token label = next();
      String labelName = label.is(Kind.STRING) ? label.value() : label.text();
      if (label.is(Kind.STRING) && !MATCH_OPERATORS.contains(peek().kind())) {
        out.add(new String[] {"__name__", "=", labelName}); // {"metric.name"}: Prometheus 3's quoted metric name
      } else {
        Token op = peek();
        if (!MATCH_OPERATORS.contains(op.kind())) {
          throw new PromqlException(op, "expected =, !=, =~ or !~ after the label " + label.shown() + ", got "
              + op.shown());
        }
        next();
        Token value = peek();
        if (!value.is(Kind.STRING)) {
          throw new PromqlException(value, "expected a string after \"" + label.text() + op.text() + "\", got "
              + value.shown());
        }
        next();
        if (op.is(Kind.EQL_REGEX) || op.is(Kind.NEQ_REGEX)) {
          String problem = Re2Regex.problem(value.value());
          if (problem != null) {
            throw new PromqlException(value, value.text() + " is not a valid regular expression: " + problem);
          }
        }
        out.add(new String[] {labelName, op.text(), value.value()});
      }
      Token separator = peek();
      if (separator.is(Kind.COMMA)) {
        next();
      } else if (!separator.is(Kind.RIGHT_BRACE)) {
        if (separator.is(Kind.EOF)) {
          closing(open, "\"}\" to close the selector");
        }
        throw new PromqlException(separator, "expected \",\" or \"}\" after " + label.text() + " in the selector,"
            + " got " + separator.shown());
      }
    }
  }

  private static boolean matchesEmpty(String op, String value) {
    return switch (op) {
      case "=" -> value.isEmpty();
      case "!=" -> !value.isEmpty();
      case "=~" -> Re2Regex.matchesEmpty(value);
      default -> !Re2Regex.matchesEmpty(value);
    };
  }

  // Tokens.

  private double number(Token t) throws PromqlException {
    String s = t.text().replace("_", "").toLowerCase(Locale.ROOT);
    try {
      if (s.equals("inf")) {
        return Double.POSITIVE_INFINITY;
      }
      if (s.equals("nan")) {
        return Double.NaN;
      }
      if (s.startsWith("0x")) {
        return new java.math.BigInteger(s.substring(2), 16).doubleValue();
      }
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new PromqlException(t, t.shown() + " is not a number");
    }
  }

  private String unexpected(Token t) {
    String s = t.text();
    if (PromqlLexer.isDigit(s.charAt(0)) || s.charAt(0) == '.') {
      return t.shown() + " is neither a number nor a duration (durations are like 5m or 1h30m)";
    }
    if (s.equals("!")) {
      return "\"!\" must be followed by \"=\" (or \"~\" in a selector)";
    }
    return t.shown() + " is not a name: names use the letters a-z and A-Z, digits, '_' and (outside selectors)"
        + " ':'";
  }

  /** What to say about a token left over after a whole expression. */
  private PromqlException afterComplete(Token t) {
    String message = switch (t.kind()) {
      case EQL -> "unexpected \"=\": compare with ==";
      case RIGHT_PAREN -> "unexpected \")\": no \"(\" is open";
      case RIGHT_BRACE -> "unexpected \"}\": no \"{\" is open";
      case RIGHT_BRACKET -> "unexpected \"]\": no \"[\" is open";
      case UNEXPECTED -> unexpected(t);
      default -> "unexpected " + t.shown() + " after a complete expression: expected an operator (such as +, /,"
          + " and, or) or the end of the query";
    };
    return new PromqlException(t, message);
  }

  /** The expected closing token, or a message pointing at what it closes when the query ends first. */
  private Token closing(Token open, String expected) throws PromqlException {
    Token t = peek();
    if (t.is(Kind.EOF)) {
      throw new PromqlException(open, "the \"" + open.text() + "\" here is not closed");
    }
    Kind wanted = open.is(Kind.LEFT_PAREN) ? Kind.RIGHT_PAREN : open.is(Kind.LEFT_BRACE) ? Kind.RIGHT_BRACE
        : Kind.RIGHT_BRACKET;
    if (!t.is(wanted)) {
      throw new PromqlException(t, "expected " + expected + ", got " + t.shown()
          + (t.is(Kind.UNEXPECTED) ? " (" + unexpected(t) + ")" : ""));
    }
    return next();
  }

  private Token expect(Kind kind, String expected) throws PromqlException {
    Token t = peek();
    if (!t.is(kind)) {
      throw new PromqlException(t, "expected " + expected + ", got " + t.shown());
    }
    return next();
  }

  private Token peek() {
    return tokens.get(pos);
  }

  private Token peekAt(int ahead) {
    return tokens.get(Math.min(pos + ahead, tokens.size() - 1));
  }

  private Token next() {
    Token t = tokens.get(pos);
    if (pos < tokens.size() - 1) {
      pos++;
    }
    return t;
  }

  private Token previous() {
    return tokens.get(Math.max(0, pos - 1));
  }
}
