package io.rollbackguard.procedure;

import java.util.regex.Pattern;

/**
 * One value put into a command a person pastes into a POSIX shell. Kubernetes names are safe as they stand, so they
 * are left bare and the commands read as the practice writes them; anything else (a Helm release or an image taken
 * from an annotation or a pod spec, which Kubernetes does not check) is single-quoted, or pasting it would run it.
 */
final class ShellWord {
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

  private ShellWord() {}

  /** {@code value} bare when every character is safe, else in single quotes, each quote inside written {@code '\''}. */
  static String quote(String value) {
    if (value == null) {
      return "''";
    }
    return SAFE.matcher(value).matches() ? value : "'" + value.replace("'", "'\\''") + "'";
  }
}
