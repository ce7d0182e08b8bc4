package io.rollbackguard.policytest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values of one test series, written as promtool writes {@code input_series} values: items separated by spaces,
 * each a value or an expansion. {@code a+bxn} is a, a+b, ..., a+n·b (n+1 values: the step is added to the previous
 * value, as promtool does), {@code a-bxn} the same downwards, {@code axn} is a repeated n+1 times, {@code _} is one
 * sample without data and {@code _xn} n of them. A sample without data is NaN here.
 *
 * <p>Beyond promtool: {@code nan}, {@code NaN}, {@code .nan} and {@code stale} are no data too (promtool's stale marker
 * ends the series, which a query sees as no data), and none of them takes an expansion, so that {@code _x5} is the one
 * way to write five samples without data.
 */
final class SeriesNotation {
  /** A series longer than this is surely a typo'd count (a day at one sample a second is 86,401). */
  static final int MAX_SAMPLES = 100_000;

  private static final String NUMBER =
      "[+-]?(?:(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|\\.?[iI][nN][fF])";
  private static final Pattern EXPANSION = Pattern.compile("(" + NUMBER + ")(?:([+-])("
      + "(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?" + "))?x([0-9]+)");
  private static final Pattern VALUE = Pattern.compile(NUMBER);
  private static final Pattern BLANKS = Pattern.compile("_x([0-9]+)");

  /** What is wrong with one item, in a sentence that says what to write instead. */
  static final class NotationException extends Exception {
    NotationException(String message) {
      super(message);
    }
  }

  private SeriesNotation() {}

  /** Whether a single word means "no data": {@code _}, {@code nan} in any case, {@code .nan}, {@code stale}. */
  static boolean isNoData(String word) {
    String w = word.trim().toLowerCase(Locale.ROOT);
    return w.equals("_") || w.equals("nan") || w.equals(".nan") || w.equals("stale");
  }

  /** Appends the values {@code text} expands to; NaN is no data. */
  static void expand(String text, List<Double> out) throws NotationException {
    for (String item : text.trim().split("\\s+")) {
      if (!item.isEmpty()) {
        item(item, out);
      }
      if (out.size() > MAX_SAMPLES) {
        throw new NotationException("more than " + MAX_SAMPLES + " samples: is a count too large?");
      }
    }
  }

  /** The values of {@code text}, NaN for no data. */
  static List<Double> expand(String text) throws NotationException {
    List<Double> out = new ArrayList<>();
    expand(text, out);
    return out;
  }

  private static void item(String item, List<Double> out) throws NotationException {
    if (isNoData(item)) {
      out.add(Double.NaN);
      return;
    }
    Matcher blanks = BLANKS.matcher(item);
    if (blanks.matches()) {
      for (long i = 0, n = count(blanks.group(1), item); i < n; i++) {
        out.add(Double.NaN);
      }
      return;
    }
    if (VALUE.matcher(item).matches()) {
      out.add(Double.parseDouble(javaNumber(item)));
      return;
    }
    Matcher m = EXPANSION.matcher(item);
    if (!m.matches()) {
      String start = item.replaceFirst("[x+-].*$", "");
      if (!start.isEmpty() && isNoData(start)) {
        throw new NotationException("'" + item + "': " + start + " takes no expansion; write _xN for N samples"
            + " without data");
      }
      throw new NotationException("'" + item + "' is not a value (use e.g. 0.05, 0.01+0x40 for 41 samples, 1x20 for"
          + " 21, 0-0.01x5 going down, _ or nan for no data, _x5 for 5 samples without data)");
    }
    double value = Double.parseDouble(javaNumber(m.group(1)));
    double step = m.group(3) == null ? 0 : Double.parseDouble(m.group(3)) * (m.group(2).equals("-") ? -1 : 1);
    long n = count(m.group(4), item);
    for (long i = 0; i <= n; i++) {
      out.add(value);
      value += step;
    }
  }

  private static long count(String digits, String item) throws NotationException {
    if (digits.length() > 9 || Long.parseLong(digits) > MAX_SAMPLES) {
      throw new NotationException("'" + item + "': more than " + MAX_SAMPLES + " samples: is the count too large?");
    }
    return Long.parseLong(digits);
  }

  /** Java spells infinity out; promtool writes Inf, YAML .inf. */
  private static String javaNumber(String number) {
    if (!number.toLowerCase(Locale.ROOT).endsWith("inf")) {
      return number;
    }
    return (number.startsWith("-") ? "-" : "") + "Infinity";
  }
}
