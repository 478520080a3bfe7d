package dev.kiln.modelserver;

/**
 * Decimal text to double without making a String: exact for up to 15 significant digits and powers
 * of ten up to 22 (Clinger's fast path, where both operands are exact doubles and one rounding
 * gives the correctly rounded result), {@link Double#parseDouble} for the rest.
 */
final class Decimals {
  private static final double[] POW10 = new double[23];

  static {
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
  }

  private Decimals() {}

  static double parse(char[] c, int off, int len) {
    int i = off;
    int end = off + len;
    boolean negative = i < end && c[i] == '-';
    if (negative) {
      i++;
    }
    long mantissa = 0;
    int digits = 0;
    int exponent = 0;
    boolean point = false;
    for (; i < end; i++) {
      char ch = c[i];
      if (ch >= '0' && ch <= '9') {
        if (digits > 0 || ch != '0') {
          digits++;
        }
        mantissa = mantissa * 10 + (ch - '0');
        if (point) {
          exponent--;
        }
      } else if (ch == '.' && !point) {
        point = true;
      } else {
        break;
      }
    }
    if (i < end && (c[i] == 'e' || c[i] == 'E')) {
      int e = exponentOf(c, i + 1, end);
      if (e == Integer.MIN_VALUE) {
        return slow(c, off, len);
      }
      exponent += e;
    } else if (i != end) {
      return slow(c, off, len);
    }
    if (digits > 15 || exponent < -22 || exponent > 22) {
      return slow(c, off, len);
    }
    double v = exponent < 0 ? mantissa / POW10[-exponent] : mantissa * POW10[exponent];
    return negative ? -v : v;
  }

  /** The exponent's value, or MIN_VALUE where it is too long to be worth reading here. */
  private static int exponentOf(char[] c, int i, int end) {
    boolean negative = false;
    if (i < end && (c[i] == '-' || c[i] == '+')) {
      negative = c[i] == '-';
      i++;
    }
    if (i == end || end - i > 3) {
      return Integer.MIN_VALUE;
    }
    int e = 0;
    for (; i < end; i++) {
      e = e * 10 + (c[i] - '0');
    }
    return negative ? -e : e;
  }

  private static double slow(char[] c, int off, int len) {
    return Double.parseDouble(new String(c, off, len));
  }
}
