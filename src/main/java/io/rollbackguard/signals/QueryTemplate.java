package io.rollbackguard.signals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A PromQL template with {@code {{placeholders}}}. Parsing records where each placeholder stands (outside quotes, in
 * a "..." or '...' string, in a `raw` string; in a regex matcher or not) so that every value is escaped for exactly
 * that context, and a placeholder that could not be substituted safely is refused when the policy is validated.
 */
public final class QueryTemplate {
  public static final String NAMESPACE = "namespace";
  public static final String DEPLOYMENT = "deployment";
  public static final String DEPLOYMENTS = "deployments";
  public static final String WINDOW = "window";
  public static final String REVISION = "revision";
  public static final String POD_TEMPLATE_HASH = "podTemplateHash";
  static final Set<String> KNOWN = Set.of(NAMESPACE, DEPLOYMENT, DEPLOYMENTS, WINDOW, REVISION, POD_TEMPLATE_HASH);
  /** Values that need no quoting: revision numbers, template hashes, durations. */
  private static final Pattern BARE_SAFE = Pattern.compile("[A-Za-z0-9_.:]+");
  private static final Pattern PROMQL_DURATION = Pattern.compile("([0-9]+(ms|s|m|h|d|w|y))+");

  private enum Context { BARE, DOUBLE, SINGLE, RAW }

  /** A literal piece, or a placeholder with where it stands in the template ({@code start}, {@code end}). */
  private record Part(String literal, String placeholder, Context context, boolean regex, int start, int end) {}

  /**
   * A rendered query, with where each placeholder's value landed in it: for messages about the query to point at
   * the template the user wrote.
   */
  public record Rendered(String query, List<Filled> filled) {
    /** One placeholder's value: at [templateStart, templateEnd) in the template, [start, end) in the query. */
    public record Filled(String placeholder, String value, int templateStart, int templateEnd, int start, int end) {}

    /** The template offset that the query's {@code offset} comes from; within a value, its placeholder's start. */
    public int templateOffset(int offset) {
      int shift = 0;
      for (Filled f : filled) {
        if (offset < f.start()) {
          break;
        }
        if (offset < f.end()) {
          return f.templateStart();
        }
        shift = f.templateEnd() - f.end();
      }
      return offset + shift;
    }

    /** The value that the query's {@code offset} falls in, or null. */
    public Filled filledAt(int offset) {
      for (Filled f : filled) {
        if (offset >= f.start() && offset < f.end()) {
          return f;
        }
      }
      return null;
    }
  }

  /** A template or a value that cannot be used; the message says what to change. */
  public static final class TemplateException extends Exception {
    public TemplateException(String message) {
      super(message);
    }
  }

  private final String text;
  private final List<Part> parts;

  private QueryTemplate(String text, List<Part> parts) {
    this.text = text;
    this.parts = parts;
  }

  public String text() {
    return text;
  }

  /** Whether the template is sent once per policy, its result split by the groupBy label. */
  public boolean grouped() {
    return parts.stream().anyMatch(p -> DEPLOYMENTS.equals(p.placeholder()));
  }

  /** Whether {{window}} appears: a burn-rate window can then set the range the query reads. */
  public boolean usesWindow() {
    return parts.stream().anyMatch(p -> WINDOW.equals(p.placeholder()));
  }

  /** Whether the template is sent once per Deployment. */
  public boolean perDeployment() {
    return parts.stream().anyMatch(p -> DEPLOYMENT.equals(p.placeholder())
        || REVISION.equals(p.placeholder()) || POD_TEMPLATE_HASH.equals(p.placeholder()));
  }

  public static QueryTemplate parse(String text) throws TemplateException {
    if (text == null || text.isBlank()) {
      throw new TemplateException("the query is empty");
    }
    List<Part> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    Context context = Context.BARE;
    boolean regex = false;
    int stringStart = -1;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '{' && text.startsWith("{{", i)) {
        int end = text.indexOf("}}", i + 2);
        if (end < 0) {
          throw new TemplateException("the {{ at column " + (i + 1) + " is not closed with }}");
        }
        String name = text.substring(i + 2, end).trim();
        check(name, context, regex);
        parts.add(new Part(literal.toString(), null, null, false, -1, -1));
        literal.setLength(0);
        parts.add(new Part(null, name, context, regex, i, end + 2));
        i = end + 1;
        continue;
      }
      literal.append(c);
      if (context == Context.BARE) {
        if (c == '"' || c == '\'' || c == '`') {
          context = c == '"' ? Context.DOUBLE : c == '\'' ? Context.SINGLE : Context.RAW;
          regex = precededByRegexMatcher(text, i);
          stringStart = i;
        }
      } else if (context != Context.RAW && c == '\\' && i + 1 < text.length()) {
        literal.append(text.charAt(++i));
      } else if ((context == Context.DOUBLE && c == '"') || (context == Context.SINGLE && c == '\'')
          || (context == Context.RAW && c == '`')) {
        context = Context.BARE;
      }
    }
    if (context != Context.BARE) {
      throw new TemplateException("the string that starts at column " + (stringStart + 1) + " is not closed");
    }
    parts.add(new Part(literal.toString(), null, null, false, -1, -1));
    return new QueryTemplate(text, List.copyOf(parts));
  }

  private static boolean precededByRegexMatcher(String text, int quote) {
    int j = quote - 1;
    while (j >= 0 && Character.isWhitespace(text.charAt(j))) {
      j--;
    }
    return j >= 1 && text.charAt(j) == '~' && (text.charAt(j - 1) == '=' || text.charAt(j - 1) == '!');
  }

  private static void check(String name, Context context, boolean regex) throws TemplateException {
    if (!KNOWN.contains(name)) {
      throw new TemplateException("unknown placeholder {{" + name + "}}; known: {{namespace}}, {{deployment}}, "
          + "{{deployments}}, {{window}}, {{revision}}, {{podTemplateHash}}");
    }
    boolean quoted = context != Context.BARE;
    if ((NAMESPACE.equals(name) || DEPLOYMENT.equals(name)) && !quoted) {
      throw new TemplateException("{{" + name + "}} must stand inside a quoted label value, e.g. "
          + name + "=\"{{" + name + "}}\"");
    }
    if (DEPLOYMENTS.equals(name) && !(quoted && regex)) {
      throw new TemplateException("{{deployments}} is a regex alternation: use it in a regex matcher, e.g. "
          + "deployment=~\"{{deployments}}\"");
    }
  }

  /**
   * The query for {@code values} (placeholder name to value); {@code deployments} fills {{deployments}}.
   *
   * @throws TemplateException when a value cannot be represented safely where it stands
   */
  public String render(Map<String, String> values, List<String> deployments) throws TemplateException {
    return renderTraced(values, deployments).query();
  }

  /** As {@link #render}, recording where each value landed. */
  public Rendered renderTraced(Map<String, String> values, List<String> deployments) throws TemplateException {
    return renderTraced(values, deployments, null);
  }

  /**
   * The query over every Deployment that has series: {{deployments}} becomes the regex {@code .+} (unescaped), for a
   * standing alerting rule, which has no list of selected Deployments. A template with {{deployment}},
   * {{revision}} or {{podTemplateHash}} ({@link #perDeployment()}) needs values for them as {@link #render} does.
   */
  public String renderForEveryDeployment(Map<String, String> values) throws TemplateException {
    return renderTraced(values, List.of(), ".+").query();
  }

  private Rendered renderTraced(Map<String, String> values, List<String> deployments, String everyDeployment)
      throws TemplateException {
    StringBuilder out = new StringBuilder(text.length() + 64);
    List<Rendered.Filled> filled = new ArrayList<>();
    for (Part p : parts) {
      if (p.literal() != null) {
        out.append(p.literal());
        continue;
      }
      String raw;
      if (DEPLOYMENTS.equals(p.placeholder()) && everyDeployment != null) {
        raw = everyDeployment;
      } else if (DEPLOYMENTS.equals(p.placeholder())) {
        StringBuilder alternation = new StringBuilder();
        for (String d : deployments) {
          alternation.append(alternation.length() == 0 ? "" : "|").append(regexEscape(d));
        }
        raw = alternation.toString();
      } else {
        raw = values.get(p.placeholder());
        if (raw == null) {
          throw new TemplateException("no value for {{" + p.placeholder() + "}}");
        }
        if (p.regex()) {
          raw = regexEscape(raw);
        }
      }
      String value = escape(p.placeholder(), raw, p.context());
      filled.add(new Rendered.Filled(p.placeholder(), value, p.start(), p.end(), out.length(),
          out.length() + value.length()));
      out.append(value);
    }
    return new Rendered(out.toString(), List.copyOf(filled));
  }

  private static String escape(String name, String value, Context context) throws TemplateException {
    switch (context) {
      case DOUBLE: return stringEscape(value, '"');
      case SINGLE: return stringEscape(value, '\'');
      case RAW:
        if (value.indexOf('`') >= 0) {
          throw new TemplateException("{{" + name + "}} value '" + value + "' cannot stand in a `raw` string");
        }
        return value;
      default:
        boolean safe = WINDOW.equals(name) ? PROMQL_DURATION.matcher(value).matches()
            : BARE_SAFE.matcher(value).matches();
        if (!safe) {
          throw new TemplateException("{{" + name + "}} value '" + value + "' cannot stand outside quotes");
        }
        return value;
    }
  }

  /** Content of a PromQL string literal: backslash, the quote, and control characters escaped. */
  static String stringEscape(String value, char quote) {
    StringBuilder sb = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' || c == quote) {
        sb.append('\\').append(c);
      } else if (c == '\n') {
        sb.append("\\n");
      } else if (c == '\r') {
        sb.append("\\r");
      } else if (c == '\t') {
        sb.append("\\t");
      } else if (c < 0x20) {
        sb.append(String.format("\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** A literal inside an RE2 regex (Prometheus anchors matchers, so a name matches only itself). */
  static String regexEscape(String value) {
    StringBuilder sb = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }
}
