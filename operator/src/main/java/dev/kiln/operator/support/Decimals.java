package dev.kiln.operator.support;

import java.math.BigDecimal;
import java.math.MathContext;

/** Metric values as short decimal strings (status.metrics is name → decimal string). */
public final class Decimals {
  private static final MathContext PRECISION = new MathContext(10);
  private static final int MAX_PLAIN = 24;

  private Decimals() {}

  /** 0.97 → "0.97", 1e-5 → "0.00001", 1e300 → "1E+300": at most 10 significant digits. */
  public static String format(double value) {
    BigDecimal d = new BigDecimal(value, PRECISION).stripTrailingZeros();
    String plain = d.toPlainString();
    return plain.length() <= MAX_PLAIN ? plain : d.toString();
  }
}
