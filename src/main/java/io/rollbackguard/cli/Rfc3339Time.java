package io.rollbackguard.cli;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * An option's RFC 3339 time, such as 2026-11-27T14:38:00Z or 2026-11-27T15:38:00+01:00. The offset is required: a
 * time without one names a different moment in every time zone. A bad value is a usage error (exit 2), which picocli
 * prefixes with the option's name.
 */
final class Rfc3339Time implements ITypeConverter<Instant> {
  static final String EXAMPLE = "2026-11-27T14:38:00Z or 2026-11-27T15:38:00+01:00";

  @Override
  public Instant convert(String value) {
    // RFC 3339 allows a lower-case t and z, and a space between date and time
    String text = value.strip().toUpperCase(Locale.ROOT);
    if (text.length() > 10 && text.charAt(10) == ' ') {
      text = text.substring(0, 10) + 'T' + text.substring(11);
    }
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new TypeConversionException("'" + value + "' is not an RFC 3339 time" + (withoutOffset(text)
          ? ": it has no offset (add Z for UTC, or one such as +01:00)" : "") + "; write e.g. " + EXAMPLE);
    }
  }

  private static boolean withoutOffset(String text) {
    try {
      DateTimeFormatter.ISO_LOCAL_DATE_TIME.parse(text).get(ChronoField.YEAR);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
