package io.rollbackguard.promql;

import io.rollbackguard.promql.Token.Kind;
import java.util.List;
import java.util.Locale;

/** The parser's position in the tokens of a query, and the messages about a token that is not the one expected. */
final class TokenCursor {
  private final List<Token> tokens;
  private int pos;

  TokenCursor(List<Token> tokens) {
    this.tokens = tokens;
  }

  /** The expected closing token, or a message pointing at what it closes when the query ends first. */
  Token closing(Token open, String expected) throws PromqlException {
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

  Token expect(Kind kind, String expected) throws PromqlException {
    Token t = peek();
    if (!t.is(kind)) {
      throw new PromqlException(t, "expected " + expected + ", got " + t.shown());
    }
    return next();
  }

  Token peek() {
    return tokens.get(pos);
  }

  Token peekAt(int ahead) {
    return tokens.get(Math.min(pos + ahead, tokens.size() - 1));
  }

  Token next() {
    Token t = tokens.get(pos);
    if (pos < tokens.size() - 1) {
      pos++;
    }
    return t;
  }

  Token previous() {
    return tokens.get(Math.max(0, pos - 1));
  }

  /** The value of a number token: decimal, hex, with '_' separators, Inf or NaN. */
  static double number(Token t) throws PromqlException {
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

  /** Why an unexpected word is no token of PromQL. */
  static String unexpected(Token t) {
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
}
