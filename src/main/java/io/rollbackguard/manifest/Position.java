package io.rollbackguard.manifest;

/** A place in the text of an input, both counted from 1, as editors show them. */
public record Position(int line, int column) {
  static long pack(int line, int column) {
    return ((long) line << 32) | (column & 0xffffffffL);
  }

  static Position unpack(long packed) {
    return new Position((int) (packed >>> 32), (int) packed);
  }

  @Override
  public String toString() {
    return "line " + line + ", column " + column;
  }
}
