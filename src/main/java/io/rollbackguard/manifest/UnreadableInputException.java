package io.rollbackguard.manifest;

/**
 * An input that cannot be read at all: missing, too large, not UTF-8, not YAML, an alias bomb. The message is one line
 * in the user's words, with the line and column when there is one; it does not repeat the input's name, which
 * {@link #source()} gives.
 */
public final class UnreadableInputException extends Exception {
  private final String source;

  UnreadableInputException(String source, String message) {
    super(message);
    this.source = source;
  }

  /** The input as the user named it: a path, or {@code <stdin>}. */
  public String source() {
    return source;
  }
}
