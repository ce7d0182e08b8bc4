package io.rollbackguard.promql;

import io.rollbackguard.promql.Token.Kind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Selectors, {@code name{label="value", …}}: matchers whose values are strings, regexes RE2 can read, and a metric
 * name or a matcher that does not match the empty string (parse.go refuses a selector that would select everything).
 */
final class SelectorSyntax {
  private static final Set<Kind> MATCH_OPERATORS = EnumSet.of(Kind.EQL, Kind.NEQ, Kind.EQL_REGEX, Kind.NEQ_REGEX);

  private record Matcher(String label, String op, String value) {}

  private final TokenCursor in;

  SelectorSyntax(TokenCursor in) {
    this.in = in;
  }

  /** The selector named {@code name} (already read; null for {…} alone), with its braces if any. */
  ParsedExpr selector(Token name) throws PromqlException {
    int start = name == null ? in.peek().start() : name.start();
    int end = name == null ? start : name.end();
    List<Matcher> matchers = new ArrayList<>();
    if (in.peek().is(Kind.LEFT_BRACE)) {
      matchers(matchers);
      end = in.previous().end();
    }
    boolean nonEmpty = name != null;
    for (Matcher m : matchers) {
      if (name != null && m.label().equals("__name__")) {
        throw new PromqlException(start, end, "the metric name is given twice: \"" + name.text()
            + "\" and __name__ " + m.op() + " \"" + m.value() + "\"");
      }
      nonEmpty |= !matchesEmpty(m.op(), m.value());
    }
    if (!nonEmpty) {
      throw new PromqlException(start, end, "a selector needs a metric name, or a matcher that does not match the"
          + " empty string, e.g. {job=\"api\"}: this one would select every series");
    }
    return new ParsedExpr(ParsedExpr.Shape.SELECTOR, ValueType.VECTOR, start, end);
  }

  /** Reads {label op "value", …} into {@code out}. */
  private void matchers(List<Matcher> out) throws PromqlException {
    Token open = in.next();
    while (true) {
      Token t = in.peek();
      if (t.is(Kind.RIGHT_BRACE)) {
        in.next();
        return;
      }
      if (t.is(Kind.EOF)) {
        in.closing(open, "\"}\" to close the selector");
      }
      if (!t.is(Kind.IDENTIFIER) && !t.is(Kind.STRING)) {
        throw new PromqlException(t, "expected a label name or \"}\" in the selector, got " + t.shown()
            + (t.is(Kind.UNEXPECTED) ? " (" + TokenCursor.unexpected(t) + ")" : ""));
      }
      Token label = in.next();
      String labelName = label.is(Kind.STRING) ? label.value() : label.text();
      if (label.is(Kind.STRING) && !MATCH_OPERATORS.contains(in.peek().kind())) {
        out.add(new Matcher("__name__", "=", labelName)); // {"metric.name"}: Prometheus 3's quoted metric name
      } else {
        Token op = in.peek();
        if (!MATCH_OPERATORS.contains(op.kind())) {
          throw new PromqlException(op, "expected =, !=, =~ or !~ after the label " + label.shown() + ", got "
              + op.shown());
        }
        in.next();
        Token value = in.peek();
        if (!value.is(Kind.STRING)) {
          throw new PromqlException(value, "expected a string after \"" + label.text() + op.text() + "\", got "
              + value.shown());
        }
        in.next();
        if (op.is(Kind.EQL_REGEX) || op.is(Kind.NEQ_REGEX)) {
          String problem = Re2Regex.problem(value.value());
          if (problem != null) {
            throw new PromqlException(value, value.text() + " is not a valid regular expression: " + problem);
          }
        }
        out.add(new Matcher(labelName, op.text(), value.value()));
      }
      Token separator = in.peek();
      if (separator.is(Kind.COMMA)) {
        in.next();
      } else if (!separator.is(Kind.RIGHT_BRACE)) {
        if (separator.is(Kind.EOF)) {
          in.closing(open, "\"}\" to close the selector");
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
}
