package io.rollbackguard.promql;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Label-matcher regexes as Prometheus reads them: RE2 syntax, anchored at both ends. Checked by compiling them with
 * Java's engine after translating what differs in spelling (named groups, a literal {@code {}), and refusing
 * what RE2 lacks (lookaround, backreferences). This approximates RE2: a few RE2-only refusals (repetition counts over
 * 1000, possessive quantifiers) pass.
 */
final class Re2Regex {
  private Re2Regex() {}

  /** Why Prometheus would refuse {@code regex}, or null. */
  static String problem(String regex) {
    if (regex.contains("(?=") || regex.contains("(?!") || regex.contains("(?<=") || regex.contains("(?<!")) {
      return "lookahead and lookbehind are not supported by Prometheus regular expressions (RE2)";
    }
    for (int i = 0; i + 1 < regex.length(); i++) {
      if (regex.charAt(i) == '\\') {
        char next = regex.charAt(i + 1);
        if (next >= '1' && next <= '9') {
          return "backreferences such as \\" + next + " are not supported by Prometheus regular expressions (RE2)";
        }
        i++;
      }
    }
    try {
      compile(regex);
      return null;
    } catch (PatternSyntaxException e) {
      String d = e.getDescription();
      return d.isEmpty() ? "not a regular expression" : Character.toLowerCase(d.charAt(0)) + d.substring(1);
    }
  }

  /** Whether the anchored regex matches the empty string; {@code regex} has no {@link #problem}. */
  static boolean matchesEmpty(String regex) {
    return compile(regex).matcher("").matches();
  }

  private static Pattern compile(String regex) {
    return Pattern.compile(translate(regex));
  }

  /** RE2 spellings Java reads differently: named groups, and a '{' that starts no repetition. */
  private static String translate(String regex) {
    StringBuilder sb = new StringBuilder(regex.length() + 8);
    boolean inClass = false;
    for (int i = 0; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\' && i + 1 < regex.length()) {
        sb.append(c).append(regex.charAt(++i));
        int close = regex.indexOf('}', i);
        if ("pPx".indexOf(regex.charAt(i)) >= 0 && i + 1 < regex.length() && regex.charAt(i + 1) == '{'
            && close > 0) {
          sb.append(regex, i + 1, close + 1); // \p{Greek}, \x{263a}
          i = close;
        }
      } else if (inClass) {
        inClass = c != ']';
        sb.append(c);
      } else if (c == '[') {
        inClass = true;
        sb.append(c);
        if (i + 1 < regex.length() && regex.charAt(i + 1) == '^') {
          sb.append(regex.charAt(++i));
        }
        if (i + 1 < regex.length() && regex.charAt(i + 1) == ']') {
          sb.append("\\]");
          i++;
        }
      } else if (c == '(' && (regex.startsWith("(?P<", i) || regex.startsWith("(?<", i))
          && regex.indexOf('>', i) > 0) {
        sb.append("(?:"); // the group's name matters to RE2 only, and Java's rules for names differ
        i = regex.indexOf('>', i);
      } else if (c == '{' && !regex.substring(i).matches("\\{[0-9]+(,[0-9]*)?}[\\s\\S]*")) {
        sb.append("\\{");
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
