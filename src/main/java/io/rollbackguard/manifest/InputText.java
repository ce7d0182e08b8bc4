package io.rollbackguard.manifest;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** An input's bytes as text: strictly UTF-8, as Kubernetes reads YAML; and no line longer than the limit. */
final class InputText {
  private InputText() {}

  static String decode(byte[] bytes, String source) throws UnreadableInputException {
    if (bytes.length >= 2 && ((bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF)
        || (bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE))) {
      throw new UnreadableInputException(source, "UTF-16 text (it starts with a UTF-16 byte order mark); save it as"
          + " UTF-8");
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length); // UTF-8 never has fewer bytes than UTF-16 chars
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      throw new UnreadableInputException(source, badByte(bytes, in.position()));
    }
    return out.flip().toString();
  }

  /** "line 3, column 7: not UTF-8 (byte 0xE9)": the column counts the characters before it on its line. */
  private static String badByte(byte[] bytes, int offset) {
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < offset; i++) {
      if (bytes[i] == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    int column = 1;
    for (int i = lineStart; i < offset; i++) {
      column += (bytes[i] & 0xC0) == 0x80 ? 0 : 1; // a continuation byte is part of the character before
    }
    return new Position(line, column) + ": not UTF-8 (byte 0x" + String.format("%02X", bytes[offset] & 0xFF)
        + "); save the file as UTF-8";
  }

  /** Refused before parsing: a line's cost to the scanner grows with the square of its length. */
  static void checkLines(String text, String source, InputLimits limits) throws UnreadableInputException {
    int line = 1;
    int length = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r') {
        line += c == '\n' || i + 1 == text.length() || text.charAt(i + 1) != '\n' ? 1 : 0;
        length = 0;
      } else if (++length > limits.maxLineChars()) {
        throw new UnreadableInputException(source, "line " + line + " is longer than "
            + String.format("%,d", limits.maxLineChars()) + " characters, the limit for one line; a longer value can"
            + " be written on several lines (a block scalar, | or >)");
      }
    }
  }
}
