package dev.kiln.modelserver;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A JSON writer into one growable byte array that a thread reuses from response to response: no
 * tree, no generator object, and integers are written digit by digit. Callers place the commas.
 */
final class JsonOut {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private byte[] buf = new byte[4096];
  private int len;

  JsonOut reset() {
    len = 0;
    return this;
  }

  int length() {
    return len;
  }

  /** A copy of what was written, plus {@code tail} bytes of room at the end. */
  byte[] copy(int tail) {
    return Arrays.copyOf(buf, len + tail);
  }

  JsonOut raw(char c) {
    ensure(1);
    buf[len++] = (byte) c;
    return this;
  }

  /** ASCII text written as it is (punctuation, field names with their quotes). */
  JsonOut raw(String ascii) {
    ensure(ascii.length());
    for (int i = 0; i < ascii.length(); i++) {
      buf[len++] = (byte) ascii.charAt(i);
    }
    return this;
  }

  /** A quoted, escaped JSON string. */
  JsonOut string(String s) {
    ensure(s.length() * 6 + 2);
    buf[len++] = '"';
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        buf[len++] = '\\';
        buf[len++] = (byte) c;
      } else if (c < 0x20) {
        unicodeEscape(c);
      } else if (c < 0x80) {
        buf[len++] = (byte) c;
      } else {
        byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isSurrogate(c) && i + 1 < s.length()) {
          utf8 = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        ensure(utf8.length);
        System.arraycopy(utf8, 0, buf, len, utf8.length);
        len += utf8.length;
      }
    }
    buf[len++] = '"';
    return this;
  }

  private void unicodeEscape(char c) {
    buf[len++] = '\\';
    buf[len++] = 'u';
    buf[len++] = '0';
    buf[len++] = '0';
    buf[len++] = HEX[c >> 4];
    buf[len++] = HEX[c & 0xf];
  }

  JsonOut number(long v) {
    ensure(20);
    if (v < 0) {
      if (v == Long.MIN_VALUE) {
        return raw(Long.toString(v));
      }
      buf[len++] = '-';
      v = -v;
    }
    int start = len;
    do {
      buf[len++] = (byte) ('0' + v % 10);
      v /= 10;
    } while (v != 0);
    for (int i = start, j = len - 1; i < j; i++, j--) {
      byte t = buf[i];
      buf[i] = buf[j];
      buf[j] = t;
    }
    return this;
  }

  /** The shortest text that reads back as the same float; NaN and infinities as strings. */
  JsonOut number(float v) {
    return decimal(v, true);
  }

  JsonOut number(double v) {
    return decimal(v, false);
  }

  /** Whole values below the type's exact-integer range as {@code n.0}, without a String. */
  private JsonOut decimal(double v, boolean single) {
    if (Double.isFinite(v) && v == (long) v && Math.abs(v) < (single ? 1e7 : 1e15)) {
      return number((long) v).raw(".0");
    }
    String text = single ? Float.toString((float) v) : Double.toString(v);
    return Double.isFinite(v) ? raw(text) : string(text);
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }
}
