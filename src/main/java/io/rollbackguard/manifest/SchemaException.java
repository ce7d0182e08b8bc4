package io.rollbackguard.manifest;

/**
 * A document that is YAML but not the object it was meant to be: an unknown field, a value of the wrong type, a value
 * outside an enum.
 *
 * @see #getMessage() {@code path: problem, at line L, column C}
 */
public final class SchemaException extends Exception {
  private final String path;
  private final String problem;
  private final Position position;

  SchemaException(String path, String problem, Position position) {
    super((path.isEmpty() ? "" : path + ": ") + problem + (position == null ? "" : ", at " + position));
    this.path = path;
    this.problem = problem;
    this.position = position;
  }

  /** The field path, e.g. {@code spec.tiers.rapid.errorRate.abov}; empty for the document itself. */
  public String path() {
    return path;
  }

  public String problem() {
    return problem;
  }

  /** Where the field (for an unknown field: its key) is written; null when not known. */
  public Position position() {
    return position;
  }
}
