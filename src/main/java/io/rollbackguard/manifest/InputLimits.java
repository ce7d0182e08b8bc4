package io.rollbackguard.manifest;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one input may cost before it is refused, so that any input is refused or read within seconds and a few hundred
 * MiB whatever it holds.
 *
 * @param maxBytes the size of one file or of standard input; checked before a file is read, and standard input is
 *     read only up to it, so an endless stream is refused as soon as it passes the limit
 * @param maxLineChars the longest line: SnakeYAML's scanner copies its whole window once per 1,024 characters of a
 *     single token, so a long line costs time in the square of its length (16 MB took 76 s). At 128 Ki characters an
 *     input of nothing but such lines reads in under a second; no manifest line comes near it (the longest usual one,
 *     kubectl's last-applied-configuration, is the object's JSON: a few KiB for a policy)
 * @param maxDepth how deeply mappings and sequences may nest (a RollbackPolicy needs 7 levels, a List of verdicts 12)
 * @param maxAliasedValues how many values aliases may produce in one input, counting every value an alias repeats:
 *     an alias bomb (each level aliasing the one below nine times) is refused after this many, in milliseconds
 * @param raiseHint how the user raises {@code maxBytes} on this command, appended to the refusal; empty for none
 */
public record InputLimits(long maxBytes, int maxLineChars, int maxDepth, long maxAliasedValues, String raiseHint) {
  public static final long DEFAULT_MAX_BYTES = 8L << 20;
  /** The largest {@code maxBytes} allowed: the whole input is held in memory, decoded. */
  public static final long LARGEST_MAX_BYTES = 1L << 30;

  public static final InputLimits DEFAULT = new InputLimits(DEFAULT_MAX_BYTES, 128 << 10, 100, 1_000_000, "");

  private static final Pattern SIZE = Pattern.compile("(\\d{1,13})\\s*(|B|k|K|Ki|KiB|M|Mi|MiB|G|Gi|GiB|KB|MB|GB)");

  public InputLimits {
    if (maxBytes < 1 || maxBytes > LARGEST_MAX_BYTES) {
      throw new IllegalArgumentException("a size limit from 1 byte to " + size(LARGEST_MAX_BYTES));
    }
  }

  public InputLimits withMaxBytes(long bytes, String hint) {
    return new InputLimits(bytes, maxLineChars, maxDepth, maxAliasedValues, hint);
  }

  /**
   * A size as Kubernetes writes quantities: {@code 8Mi} (MiB), {@code 20M} (10^6), {@code 512Ki}, or bytes; {@code MiB},
   * {@code MB} and the like are accepted too.
   */
  public static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a size (use e.g. 8Mi, 20Mi, 100M or a number of bytes)");
    }
    long unit = switch (m.group(2)) {
      case "k", "K", "KB" -> 1_000L;
      case "Ki", "KiB" -> 1L << 10;
      case "M", "MB" -> 1_000_000L;
      case "Mi", "MiB" -> 1L << 20;
      case "G", "GB" -> 1_000_000_000L;
      case "Gi", "GiB" -> 1L << 30;
      default -> 1L;
    };
    long bytes = Long.parseLong(m.group(1));
    if (bytes < 1 || bytes > LARGEST_MAX_BYTES / unit) {
      throw new IllegalArgumentException("'" + text + "' is not a size from 1 byte to " + size(LARGEST_MAX_BYTES));
    }
    return bytes * unit;
  }

  /** {@code 8 MiB}, {@code 100.0 MiB}, {@code 512 KiB}, {@code 17 bytes}: whole numbers where they are whole. */
  public static String size(long bytes) {
    String[] units = {"GiB", "MiB", "KiB"};
    for (int i = 0; i < units.length; i++) {
      long unit = 1L << (10 * (units.length - i));
      if (bytes >= unit) {
        return bytes % unit == 0 ? bytes / unit + " " + units[i]
            : String.format(Locale.ROOT, "%.1f %s", (double) bytes / unit, units[i]);
      }
    }
    return bytes + (bytes == 1 ? " byte" : " bytes");
  }
}
