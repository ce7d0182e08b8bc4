package io.rollbackguard.procedure;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/** The small pieces of Markdown and time wording the runbook and the post-mortem share. Times are UTC. */
final class Markdown {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

  private Markdown() {}

  /** An inline code span that survives backticks inside the command (a restore command may well hold some). */
  static String code(String text) {
    int longest = 0;
    int run = 0;
    for (char c : text.toCharArray()) {
      run = c == '`' ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    String fence = "`".repeat(longest + 1);
    String pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
    return fence + pad + text + pad + fence;
  }

  /** Text inside a table cell: a pipe would end the cell, a line break the row. */
  static String cell(String text) {
    return text == null ? "" : text.replace("|", "\\|").replace("\r", "").replace("\n", " ");
  }

  static String codeList(List<String> images) {
    return images.isEmpty() ? "unknown" : String.join(", ", images.stream().map(Markdown::code).toList());
  }

  /** RFC 3339 to the second, as kubectl shows status times. */
  static String instant(Instant at) {
    return at == null ? "unknown" : at.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  static String clock(Instant at) {
    return at == null ? "unknown" : CLOCK.format(at);
  }

  static String shortClock(Instant at) {
    return SHORT.format(at);
  }

  static String date(Instant at) {
    return DATE.format(at);
  }

  /** "3 min left", "less than a minute left", "passed 2 min ago": whole minutes, so time left is never overstated. */
  static String timeLeft(Instant deadline, Instant now) {
    long seconds = Duration.between(now, deadline).getSeconds();
    if (seconds <= 0) {
      return -seconds < 60 ? "passed just now" : "passed " + minutes(-seconds) + " ago";
    }
    return seconds < 60 ? "less than a minute left" : minutes(seconds) + " left";
  }

  /** How long one moment came after another: "40 s", "4 min 30 s", "1 h 05 min". */
  static String elapsed(Instant from, Instant to) {
    long seconds = Math.max(Duration.between(from, to).getSeconds(), 0);
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds >= 3600) {
      return minutes(seconds);
    }
    return seconds % 60 == 0 ? minutes(seconds) : minutes(seconds) + " " + seconds % 60 + " s";
  }

  private static String minutes(long seconds) {
    long minutes = seconds / 60;
    return minutes < 60 ? minutes + " min"
        : minutes / 60 + " h " + String.format(Locale.ROOT, "%02d", minutes % 60) + " min";
  }
}
