package io.rollbackguard.promql;

import io.rollbackguard.promql.Token.Kind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Function calls and aggregations, checked as parse.go's checkAST checks them: known functions, their number and
 * types of arguments, and aggregations' parameters; and the label lists of by (…), on (…) and the like.
 */
final class CallSyntax {
  /** Reads one whole expression, such as an argument. */
  interface Subexpression {
    ParsedExpr read() throws PromqlException;
  }

  /** Keywords that may be label names in by (…), on (…) and the like (generated_parser.y's maybe_label). */
  private static final Set<Kind> LABEL_KEYWORDS = EnumSet.of(Kind.AGGREGATOR, Kind.BY, Kind.WITHOUT, Kind.ON,
      Kind.IGNORING, Kind.GROUP_LEFT, Kind.GROUP_RIGHT, Kind.BOOL, Kind.OFFSET, Kind.START, Kind.END, Kind.AND,
      Kind.OR, Kind.UNLESS, Kind.ATAN2);
  private static final Set<String> PARAMETER_AGGREGATORS = Set.of("topk", "bottomk", "quantile", "count_values",
      "limitk", "limit_ratio");
  private static final Set<String> EXPERIMENTAL_AGGREGATORS = Set.of("limitk", "limit_ratio");

  private final TokenCursor in;
  private final Subexpression argument;
  private final Set<String> experimental = new LinkedHashSet<>();

  CallSyntax(TokenCursor in, Subexpression argument) {
    this.in = in;
    this.argument = argument;
  }

  /** The experimental functions and aggregations read so far, e.g. "limitk()". */
  List<String> experimental() {
    return List.copyOf(experimental);
  }

  ParsedExpr call() throws PromqlException {
    Token name = in.next();
    Token open = in.next();
    PromqlFunctions.Function f = PromqlFunctions.find(name.text());
    if (f == null) {
      String closest = PromqlFunctions.closest(name.text());
      throw new PromqlException(name, "unknown function \"" + name.text() + "\""
          + (closest == null ? "" : " (did you mean " + closest + "?)"));
    }
    if (f.experimental()) {
      experimental.add(f.name() + "()");
    }
    List<ParsedExpr> args = arguments(open, f.name() + "()");
    int n = args.size();
    if (n < f.minArgs() || (f.maxArgs() >= 0 && n > f.maxArgs())) {
      throw new PromqlException(name.start(), in.previous().end(), f.name() + "() takes " + arity(f) + ", got " + n);
    }
    for (int i = 0; i < n; i++) {
      ValueType expected = f.argType(i);
      ParsedExpr arg = args.get(i);
      if (arg.type != expected) {
        String which = f.maxArgs() == 1 ? "the argument of " : "argument " + (i + 1) + " of ";
        String hint = expected == ValueType.MATRIX && arg.type == ValueType.VECTOR
            ? ": add a range, e.g. " + f.name() + "(http_requests_total[5m])" : "";
        throw new PromqlException(arg.start, arg.end, which + f.name() + "() must be " + expected.described()
            + ", got " + arg.type.described() + hint);
      }
    }
    return new ParsedExpr(ParsedExpr.Shape.CALL, f.returns(), name.start(), in.previous().end());
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

  ParsedExpr aggregation() throws PromqlException {
    Token op = in.next();
    String name = op.text().toLowerCase(Locale.ROOT);
    boolean grouped = in.peek().is(Kind.BY) || in.peek().is(Kind.WITHOUT);
    String modifier = grouped ? " " + in.peek().text().toLowerCase(Locale.ROOT) + " (…)" : "";
    if (grouped) {
      grouping(in.next());
    }
    Token open = in.peek();
    if (!open.is(Kind.LEFT_PAREN)) {
      throw new PromqlException(open, "expected \"(\" and what to aggregate after " + name + modifier + ", got "
          + open.shown());
    }
    in.next();
    List<ParsedExpr> args = arguments(open, name + "()");
    if (!grouped && (in.peek().is(Kind.BY) || in.peek().is(Kind.WITHOUT))) {
      grouping(in.next());
    }
    int end = in.previous().end();
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
    ParsedExpr body = args.get(wanted - 1);
    if (body.type != ValueType.VECTOR) {
      String hint = body.type == ValueType.MATRIX
          ? ": turn it into an instant vector with a function such as rate()" : "";
      throw new PromqlException(body.start, body.end, "what " + name + "() aggregates must be an instant vector,"
          + " got " + body.type.described() + hint);
    }
    if (parameter) {
      ValueType type = name.equals("count_values") ? ValueType.STRING : ValueType.SCALAR;
      ParsedExpr param = args.get(0);
      if (param.type != type) {
        throw new PromqlException(param.start, param.end, "the parameter of " + name + "() must be "
            + type.described() + ", got " + param.type.described());
      }
    }
    return new ParsedExpr(ParsedExpr.Shape.AGGREGATION, ValueType.VECTOR, op.start(), end);
  }

  /** The arguments after {@code open}, up to and including the closing parenthesis. */
  private List<ParsedExpr> arguments(Token open, String of) throws PromqlException {
    List<ParsedExpr> args = new ArrayList<>();
    if (in.peek().is(Kind.RIGHT_PAREN)) {
      in.next();
      return args;
    }
    while (true) {
      args.add(argument.read());
      Token t = in.peek();
      if (t.is(Kind.COMMA)) {
        in.next();
        if (in.peek().is(Kind.RIGHT_PAREN)) {
          throw new PromqlException(t, "trailing comma in the arguments of " + of);
        }
      } else if (t.is(Kind.RIGHT_PAREN)) {
        in.next();
        return args;
      } else {
        in.closing(open, "\",\" or \")\" in the arguments of " + of);
      }
    }
  }

  /** The labels of by (…), without (…), on (…), ignoring (…), group_left (…) or group_right (…). */
  List<String> grouping(Token keyword) throws PromqlException {
    String of = keyword.text().toLowerCase(Locale.ROOT) + " (…)";
    Token open = in.expect(Kind.LEFT_PAREN, "\"(\" and a list of labels after " + keyword.text());
    List<String> labels = new ArrayList<>();
    while (true) {
      Token t = in.peek();
      if (t.is(Kind.RIGHT_PAREN)) {
        in.next();
        return labels;
      }
      if (t.is(Kind.STRING)) {
        labels.add(t.value());
      } else if ((t.is(Kind.IDENTIFIER) || LABEL_KEYWORDS.contains(t.kind()))
          && t.text().matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
        labels.add(t.text());
      } else if (t.is(Kind.EOF)) {
        in.closing(open, "\")\" to close " + of);
      } else {
        throw new PromqlException(t, "expected a label name in " + of + ", got " + t.shown());
      }
      in.next();
      Token separator = in.peek();
      if (separator.is(Kind.COMMA)) {
        in.next();
      } else if (!separator.is(Kind.RIGHT_PAREN)) {
        in.closing(open, "\",\" or \")\" in " + of);
      }
    }
  }
}
