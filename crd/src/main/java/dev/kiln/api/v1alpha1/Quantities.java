package dev.kiln.api.v1alpha1;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes resource quantities as the API server reads them (k8s.io/apimachinery
 * resource.Quantity grammar): a signed decimal number, then a binary suffix (Ki … Ei), a decimal
 * suffix (n, u, m, k, M, G, T, P, E) or a decimal exponent (e3, E-2). fabric8's {@code Quantity}
 * accepts more (it splits at the first letter), so Kiln's rules use this one, which says no where
 * the API server says no.
 */
public final class Quantities {
  private static final Pattern QUANTITY =
      Pattern.compile(
          "^([+-]?(?:[0-9]+(?:[.][0-9]*)?|[.][0-9]+))"
              + "(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$");

  /** A quantity's text is short; anything longer is not one Kiln will parse. */
  public static final int MAX_LENGTH = 64;

  private Quantities() {}

  /** The value of {@code text} (bytes, cores, or a count), or empty if it is not a quantity. */
  public static Optional<BigDecimal> parse(String text) {
    if (text == null || text.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    Matcher m = QUANTITY.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    String number = m.group(1).startsWith("+") ? m.group(1).substring(1) : m.group(1);
    String suffix = m.group(2) == null ? "" : m.group(2);
    try {
      return Optional.of(new BigDecimal(number).multiply(multiplier(suffix)));
    } catch (ArithmeticException | NumberFormatException e) {
      return Optional.empty(); // an exponent beyond any real quantity
    }
  }

  public static boolean isQuantity(String text) {
    return parse(text).isPresent();
  }

  private static BigDecimal multiplier(String suffix) {
    return switch (suffix) {
      case "" -> BigDecimal.ONE;
      case "Ki" -> BigDecimal.valueOf(2).pow(10);
      case "Mi" -> BigDecimal.valueOf(2).pow(20);
      case "Gi" -> BigDecimal.valueOf(2).pow(30);
      case "Ti" -> BigDecimal.valueOf(2).pow(40);
      case "Pi" -> BigDecimal.valueOf(2).pow(50);
      case "Ei" -> BigDecimal.valueOf(2).pow(60);
      case "n" -> BigDecimal.ONE.scaleByPowerOfTen(-9);
      case "u" -> BigDecimal.ONE.scaleByPowerOfTen(-6);
      case "m" -> BigDecimal.ONE.scaleByPowerOfTen(-3);
      case "k" -> BigDecimal.ONE.scaleByPowerOfTen(3);
      case "M" -> BigDecimal.ONE.scaleByPowerOfTen(6);
      case "G" -> BigDecimal.ONE.scaleByPowerOfTen(9);
      case "T" -> BigDecimal.ONE.scaleByPowerOfTen(12);
      case "P" -> BigDecimal.ONE.scaleByPowerOfTen(15);
      case "E" -> BigDecimal.ONE.scaleByPowerOfTen(18);
      default -> exponent(suffix.substring(1));
    };
  }

  /** e3, E-2: a power of ten. */
  private static BigDecimal exponent(String digits) {
    int e = Integer.parseInt(digits.startsWith("+") ? digits.substring(1) : digits);
    return BigDecimal.ONE.scaleByPowerOfTen(e);
  }
}
