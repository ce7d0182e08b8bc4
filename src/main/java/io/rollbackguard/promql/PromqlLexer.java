package io.rollbackguard.promql;

import io.rollbackguard.promql.Token.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Splits a query into tokens the way Prometheus' lexer does (promql/parser/lex.go): keywords are case-insensitive
 * and only outside braces, names may contain ':' only outside braces, a number directly followed by a unit is a
 * duration, {@code #} starts a comment. Characters that cannot start a token where they stand become one
 * {@link Kind#UNEXPECTED} token (a whole word of them), so that the parser can say what it expected there.
 */
final class PromqlLexer {
  private static final Map<String, Kind> KEYWORDS = Map.ofEntries(
      Map.entry("and", Kind.AND), Map.entry("or", Kind.OR), Map.entry("unless", Kind.UNLESS),
      Map.entry("atan2", Kind.ATAN2), Map.entry("by", Kind.BY), Map.entry("without", Kind.WITHOUT),
      Map.entry("on", Kind.ON), Map.entry("ignoring", Kind.IGNORING), Map.entry("group_left", Kind.GROUP_LEFT),
      Map.entry("group_right", Kind.GROUP_RIGHT), Map.entry("bool", Kind.BOOL), Map.entry("offset", Kind.OFFSET),
      Map.entry("start", Kind.START), Map.entry("end", Kind.END));
  static final Set<String> AGGREGATORS = Set.of("sum", "avg", "count", "min", "max", "group", "stddev", "stdvar",
      "topk", "bottomk", "count_values", "quantile", "limitk", "limit_ratio");
  /** Characters that end a word: spaces and everything that is a token of its own. */
  private static final String DELIMITERS = "(){}[],=!~<>+-*/%^@\"'`#:";

  private final String q;
  private final List<Token> out = new ArrayList<>();
  private int i;
  private boolean inBraces;
  private boolean inBrackets;

  private PromqlLexer(String query) {
    this.q = query;
  }

  static List<Token> lex(String query) throws PromqlException {
    PromqlLexer l = new PromqlLexer(query);
    l.run();
    return l.out;
  }

  private void run() throws PromqlException {
    while (i < q.length()) {
      char c = q.charAt(i);
      if (c == '#') {
        while (i < q.length() && q.charAt(i) != '\n' && q.charAt(i) != '\r') {
          i++;
        }
      } else if (isSpace(c)) {
        i++;
      } else if (c == '"' || c == '\'') {
        string(c);
      } else if (c == '`') {
        rawString();
      } else if (inBraces) {
        insideBraces(c);
      } else {
        outsideBraces(c);
      }
    }
    out.add(new Token(Kind.EOF, "", null, q.length(), q.length()));
  }

  private void outsideBraces(char c) {
    switch (c) {
      case '(' -> single(Kind.LEFT_PAREN);
      case ')' -> single(Kind.RIGHT_PAREN);
      case '{' -> {
        single(Kind.LEFT_BRACE);
        inBraces = true;
      }
      case '}' -> single(Kind.RIGHT_BRACE);
      case '[' -> {
        single(Kind.LEFT_BRACKET);
        inBrackets = true;
      }
      case ']' -> {
        single(Kind.RIGHT_BRACKET);
        inBrackets = false;
      }
      case ',' -> single(Kind.COMMA);
      case '@' -> single(Kind.AT);
      case '+' -> single(Kind.ADD);
      case '-' -> single(Kind.SUB);
      case '*' -> single(Kind.MUL);
      case '/' -> single(Kind.DIV);
      case '%' -> single(Kind.MOD);
      case '^' -> single(Kind.POW);
      case '=' -> twoOrOne('=', Kind.EQLC, Kind.EQL);
      case '!' -> twoOrOne('=', Kind.NEQ, Kind.UNEXPECTED);
      case '<' -> twoOrOne('=', Kind.LTE, Kind.LSS);
      case '>' -> twoOrOne('=', Kind.GTE, Kind.GTR);
      case ':' -> {
        if (inBrackets) {
          single(Kind.COLON);
        } else {
          name(true);
        }
      }
      default -> {
        if (isDigit(c) || (c == '.' && isDigit(at(i + 1)))) {
          numberOrDuration();
        } else if (isAlpha(c) && !inBrackets) {
          name(true);
        } else {
          word();
        }
      }
    }
  }

  private void insideBraces(char c) {
    switch (c) {
      case ',' -> single(Kind.COMMA);
      case '}' -> {
        single(Kind.RIGHT_BRACE);
        inBraces = false;
      }
      case '=' -> twoOrOne('~', Kind.EQL_REGEX, Kind.EQL);
      case '!' -> {
        char n = at(i + 1);
        if (n == '=' || n == '~') {
          add(n == '=' ? Kind.NEQ : Kind.NEQ_REGEX, i + 2);
        } else {
          single(Kind.UNEXPECTED);
        }
      }
      default -> {
        if (isAlpha(c)) {
          name(false);
        } else if (DELIMITERS.indexOf(c) >= 0) {
          single(Kind.UNEXPECTED);
        } else {
          word();
        }
      }
    }
  }

  /** An identifier, a keyword (outside braces) or Inf/NaN; glued to invalid characters it is one unexpected word. */
  private void name(boolean colons) {
    int j = i;
    while (j < q.length() && (isAlphaNumeric(q.charAt(j)) || (colons && q.charAt(j) == ':'))) {
      j++;
    }
    if (j < q.length() && isWordChar(q.charAt(j))) {
      word();
      return;
    }
    String text = q.substring(i, j);
    String lower = text.toLowerCase(Locale.ROOT);
    Kind kind;
    if (!colons) {
      kind = Kind.IDENTIFIER;
    } else if (KEYWORDS.containsKey(lower)) {
      kind = KEYWORDS.get(lower);
    } else if (AGGREGATORS.contains(lower)) {
      kind = Kind.AGGREGATOR;
    } else if (lower.equals("inf") || lower.equals("nan")) {
      kind = Kind.NUMBER;
    } else {
      kind = text.indexOf(':') >= 0 ? Kind.METRIC_IDENTIFIER : Kind.IDENTIFIER;
    }
    add(kind, j);
  }

  /** lex.go's lexNumberOrDuration: a number, else digits with units (checked when parsed), else a bad word. */
  private void numberOrDuration() {
    int j = numberEnd(i);
    if (j > i && !isAlphaNumeric(at(j))) {
      add(Kind.NUMBER, j);
      return;
    }
    j = i;
    while (isDigit(at(j)) || at(j) == '.') {
      j++;
    }
    boolean unit = "smhdwy".indexOf(at(j)) >= 0 && at(j) != 0;
    if (unit) {
      j++;
      if (at(j) == 's') {
        j++;
      }
      while (unit && isDigit(at(j))) {
        while (isDigit(at(j))) {
          j++;
        }
        unit = "smhdw".indexOf(at(j)) >= 0 && at(j) != 0;
        j++;
        if (unit && at(j) == 's') {
          j++;
        }
      }
    }
    if (unit && !isAlphaNumeric(at(j))) {
      add(Kind.DURATION, j);
    } else {
      word();
    }
  }

  /** The end of a number starting at {@code from}: hex, or decimal with fraction, exponent and '_' separators. */
  private int numberEnd(int from) {
    int j = from;
    if (at(j) == '0' && (at(j + 1) == 'x' || at(j + 1) == 'X')) {
      j += 2;
      if (at(j) == '_') {
        j++;
      }
      int digits = j;
      j = digitsEnd(j, true);
      return j > digits ? j : from;
    }
    int start = j;
    j = digitsEnd(j, false);
    boolean any = j > start;
    if (at(j) == '.') {
      int frac = ++j;
      j = digitsEnd(j, false);
      any |= j > frac;
    }
    if (!any) {
      return from;
    }
    if (at(j) == 'e' || at(j) == 'E') {
      int k = j + 1;
      if (at(k) == '+' || at(k) == '-') {
        k++;
      }
      int exp = k;
      k = digitsEnd(k, false);
      if (k == exp) {
        return from;
      }
      j = k;
    }
    return j;
  }

  private int digitsEnd(int from, boolean hex) {
    int j = from;
    while (isDigit(at(j)) || (hex && "abcdefABCDEF".indexOf(at(j)) >= 0 && at(j) != 0)
        || (at(j) == '_' && j > from && (isDigit(at(j + 1)) || (hex && Character.digit(at(j + 1), 16) >= 0)))) {
      j++;
    }
    return j;
  }

  /** A "..." or '...' string: Go's escapes (lex.go lexEscape), on one line. */
  private void string(char quote) throws PromqlException {
    StringBuilder value = new StringBuilder();
    int j = i + 1;
    while (true) {
      if (j >= q.length()) {
        throw new PromqlException(i, q.length(), "the string " + quote + "… that starts here is not closed");
      }
      char c = q.charAt(j);
      if (c == '\n' || c == '\r') {
        throw new PromqlException(i, j, "a " + quote + "…" + quote + " string must be closed on the line where it"
            + " starts (a `raw` string may span lines)");
      }
      if (c == quote) {
        break;
      }
      if (c == '\\') {
        j = escape(j, quote, value);
      } else {
        value.append(c);
        j++;
      }
    }
    out.add(new Token(Kind.STRING, q.substring(i, j + 1), value.toString(), i, j + 1));
    i = j + 1;
  }

  /** Reads the escape at {@code backslash} into {@code value}; returns the offset after it. */
  private int escape(int backslash, char quote, StringBuilder value) throws PromqlException {
    char c = at(backslash + 1);
    int simple = "abfnrtv\\".indexOf(c);
    if (simple >= 0 && c != 0) {
      value.append("\u0007\b\f\n\r\t\u000b\\".charAt(simple));
      return backslash + 2;
    }
    if (c == quote) {
      value.append(c);
      return backslash + 2;
    }
    int digits;
    int base;
    int from = backslash + 2;
    if (c >= '0' && c <= '7') {
      digits = 3;
      base = 8;
      from = backslash + 1;
    } else if (c == 'x') {
      digits = 2;
      base = 16;
    } else if (c == 'u') {
      digits = 4;
      base = 16;
    } else if (c == 'U') {
      digits = 8;
      base = 16;
    } else if (backslash + 1 >= q.length()) {
      throw new PromqlException(i, q.length(), "the string " + quote + "… that starts here is not closed");
    } else {
      throw new PromqlException(backslash, backslash + 2, "\\" + c + " is not an escape sequence of PromQL"
          + " strings: write \\\\" + c + " for a backslash (e.g. in a regex), or use a `raw` string");
    }
    long code = 0;
    for (int k = 0; k < digits; k++) {
      int d = Character.digit(at(from + k), base);
      if (d < 0) {
        throw new PromqlException(backslash, from + k + 1, "the escape sequence \\" + q.substring(backslash + 1,
            Math.min(q.length(), from + k + 1)) + " needs " + digits + (base == 8 ? " octal" : " hexadecimal")
            + " digits");
      }
      code = code * base + d;
    }
    if (code > (base == 8 || digits == 2 ? 255 : Character.MAX_CODE_POINT) || (code >= 0xD800 && code < 0xE000)) {
      throw new PromqlException(backslash, from + digits, "the escape sequence " + q.substring(backslash,
          from + digits) + " is not a valid character");
    }
    value.appendCodePoint((int) code);
    return from + digits;
  }

  private void rawString() throws PromqlException {
    int close = q.indexOf('`', i + 1);
    if (close < 0) {
      throw new PromqlException(i, q.length(), "the `raw` string that starts here is not closed");
    }
    out.add(new Token(Kind.STRING, q.substring(i, close + 1), q.substring(i + 1, close), i, close + 1));
    i = close + 1;
  }

  private void word() {
    int j = i + 1;
    while (j < q.length() && (isWordChar(q.charAt(j)) || isAlphaNumeric(q.charAt(j)))) {
      j++;
    }
    add(Kind.UNEXPECTED, j);
  }

  private void twoOrOne(char second, Kind two, Kind one) {
    if (at(i + 1) == second) {
      add(two, i + 2);
    } else {
      single(one);
    }
  }

  private void single(Kind kind) {
    add(kind, i + 1);
  }

  private void add(Kind kind, int end) {
    out.add(new Token(kind, q.substring(i, end), null, i, end));
    i = end;
  }

  private char at(int j) {
    return j < q.length() ? q.charAt(j) : 0;
  }

  private static boolean isWordChar(char c) {
    return !isSpace(c) && DELIMITERS.indexOf(c) < 0 && !isAlphaNumeric(c);
  }

  static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isAlpha(char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  static boolean isAlphaNumeric(char c) {
    return isAlpha(c) || isDigit(c);
  }
}
