package dev.kiln.testkit.crd;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationExceptionBuilder;
import dev.cel.runtime.CelFunctionBinding;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes' CEL quantity library (k8s.io/apiserver/pkg/cel/library/quantity.go), which the API
 * server offers to CRD validation rules from Kubernetes 1.29: {@code isQuantity(string)}, {@code
 * quantity(string)} and, on a quantity, {@code sign()}, {@code isInteger()}, {@code asInteger()},
 * {@code asApproximateFloat()}, {@code compareTo(q)}, {@code isLessThan(q)}, {@code
 * isGreaterThan(q)}, {@code add(q|int)}, {@code sub(q|int)}. A quantity is held as its exact value.
 */
final class QuantityLibrary {
  /** The CEL type of a quantity, named as the API server names it. */
  static final CelType QUANTITY = OpaqueType.create("kubernetes.Quantity");

  /** resource.ParseQuantity's grammar: a signed decimal, then a binary, decimal or e suffix. */
  private static final Pattern GRAMMAR =
      Pattern.compile(
          "^([+-]?(?:[0-9]+(?:[.][0-9]*)?|[.][0-9]+))"
              + "(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$");

  /** A parsed quantity: its exact value (bytes, cores or a count). */
  record Quantity(BigDecimal value) {}

  private QuantityLibrary() {}

  static List<CelFunctionDecl> declarations() {
    return List.of(
        global("quantity", "string_to_quantity", QUANTITY, SimpleType.STRING),
        global("isQuantity", "is_quantity_string", SimpleType.BOOL, SimpleType.STRING),
        member("sign", "quantity_sign", SimpleType.INT),
        member("isInteger", "quantity_is_integer", SimpleType.BOOL),
        member("asInteger", "quantity_get_int", SimpleType.INT),
        member("asApproximateFloat", "quantity_get_float", SimpleType.DOUBLE),
        member("compareTo", "quantity_compareTo_quantity", SimpleType.INT, QUANTITY),
        member("isLessThan", "quantity_less_quantity", SimpleType.BOOL, QUANTITY),
        member("isGreaterThan", "quantity_greater_quantity", SimpleType.BOOL, QUANTITY),
        CelFunctionDecl.newFunctionDeclaration(
            "add",
            CelOverloadDecl.newMemberOverload(
                "quantity_add_quantity", QUANTITY, QUANTITY, QUANTITY),
            CelOverloadDecl.newMemberOverload(
                "quantity_add_int", QUANTITY, QUANTITY, SimpleType.INT)),
        CelFunctionDecl.newFunctionDeclaration(
            "sub",
            CelOverloadDecl.newMemberOverload(
                "quantity_sub_quantity", QUANTITY, QUANTITY, QUANTITY),
            CelOverloadDecl.newMemberOverload(
                "quantity_sub_int", QUANTITY, QUANTITY, SimpleType.INT)));
  }

  static List<CelFunctionBinding> bindings() {
    return List.of(
        CelFunctionBinding.from("string_to_quantity", String.class, QuantityLibrary::quantity),
        CelFunctionBinding.from("is_quantity_string", String.class, s -> parse(s).isPresent()),
        CelFunctionBinding.from("quantity_sign", Quantity.class, q -> (long) q.value().signum()),
        CelFunctionBinding.from("quantity_is_integer", Quantity.class, QuantityLibrary::isInteger),
        CelFunctionBinding.from("quantity_get_int", Quantity.class, QuantityLibrary::asInteger),
        CelFunctionBinding.from("quantity_get_float", Quantity.class, q -> q.value().doubleValue()),
        CelFunctionBinding.from(
            "quantity_compareTo_quantity",
            Quantity.class,
            Quantity.class,
            (a, b) -> (long) a.value().compareTo(b.value())),
        CelFunctionBinding.from(
            "quantity_less_quantity",
            Quantity.class,
            Quantity.class,
            (a, b) -> a.value().compareTo(b.value()) < 0),
        CelFunctionBinding.from(
            "quantity_greater_quantity",
            Quantity.class,
            Quantity.class,
            (a, b) -> a.value().compareTo(b.value()) > 0),
        CelFunctionBinding.from(
            "quantity_add_quantity",
            Quantity.class,
            Quantity.class,
            (a, b) -> new Quantity(a.value().add(b.value()))),
        CelFunctionBinding.from(
            "quantity_add_int",
            Quantity.class,
            Long.class,
            (a, b) -> new Quantity(a.value().add(BigDecimal.valueOf(b)))),
        CelFunctionBinding.from(
            "quantity_sub_quantity",
            Quantity.class,
            Quantity.class,
            (a, b) -> new Quantity(a.value().subtract(b.value()))),
        CelFunctionBinding.from(
            "quantity_sub_int",
            Quantity.class,
            Long.class,
            (a, b) -> new Quantity(a.value().subtract(BigDecimal.valueOf(b)))));
  }

  /** The value of {@code text} if the API server would read it as a quantity. */
  static Optional<BigDecimal> parse(String text) {
    Matcher m = GRAMMAR.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    String number = m.group(1).startsWith("+") ? m.group(1).substring(1) : m.group(1);
    String suffix = m.group(2) == null ? "" : m.group(2);
    try {
      return Optional.of(new BigDecimal(number).multiply(multiplier(suffix)));
    } catch (ArithmeticException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Object quantity(String text) throws CelEvaluationException {
    Optional<BigDecimal> value = parse(text);
    if (value.isEmpty()) {
      throw CelEvaluationExceptionBuilder.newBuilder(
              "quantities must match the regular expression"
                  + " '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
          .build();
    }
    return new Quantity(value.get());
  }

  private static Object isInteger(Quantity q) {
    BigDecimal v = q.value().stripTrailingZeros();
    return v.scale() <= 0 && v.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0;
  }

  private static Object asInteger(Quantity q) throws CelEvaluationException {
    if (!(Boolean) isInteger(q)) {
      throw CelEvaluationExceptionBuilder.newBuilder(
              "cannot convert value to integer: %s", q.value().toPlainString())
          .build();
    }
    return q.value().longValueExact();
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
      default -> BigDecimal.ONE.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
    };
  }

  private static CelFunctionDecl global(
      String name, String overload, CelType result, CelType... params) {
    return CelFunctionDecl.newFunctionDeclaration(
        name, CelOverloadDecl.newGlobalOverload(overload, result, params));
  }

  /** A function on a quantity (the receiver), with further parameters. */
  private static CelFunctionDecl member(
      String name, String overload, CelType result, CelType... params) {
    CelType[] all = new CelType[params.length + 1];
    all[0] = QUANTITY;
    System.arraycopy(params, 0, all, 1, params.length);
    return CelFunctionDecl.newFunctionDeclaration(
        name, CelOverloadDecl.newMemberOverload(overload, result, all));
  }
}
