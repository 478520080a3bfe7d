package dev.kiln.testkit.crd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Evaluates one {@code x-kubernetes-validations} rule with cel-java, as the API server would: the
 * standard library, the strings extension and Kubernetes' quantity library ({@link
 * QuantityLibrary}); a failed rule is reported at its node's path, or at {@code fieldPath} below it
 * when the rule names one.
 */
final class CelRules {
  private static final Pattern OLD_SELF = Pattern.compile("\\boldSelf\\b");

  private static final CelCompiler CEL_COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addLibraries(CelExtensions.strings())
          .addFunctionDeclarations(QuantityLibrary.declarations())
          .addVar("self", SimpleType.DYN)
          .addVar("oldSelf", SimpleType.DYN)
          .setResultType(SimpleType.BOOL)
          .build();

  private static final CelRuntime CEL_RUNTIME =
      CelRuntimeFactory.standardCelRuntimeBuilder()
          .addLibraries(CelExtensions.strings())
          .addFunctionBindings(QuantityLibrary.bindings())
          .build();

  private static final Map<String, CelRuntime.Program> PROGRAMS = new ConcurrentHashMap<>();

  private CelRules() {}

  static void evaluate(
      JsonNode rule, JsonNode value, JsonNode old, String path, List<String> errors) {
    String expression = rule.path("rule").asText();
    boolean transition = OLD_SELF.matcher(expression).find();
    if (transition && (old == null || old.isNull())) {
      return; // create, or no old value at this path: transition rules do not run
    }
    CelRuntime.Program program = PROGRAMS.computeIfAbsent(expression, CelRules::compile);
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("self", toCel(value));
    if (transition) {
      vars.put("oldSelf", toCel(old));
    }
    String at = at(path, rule.path("fieldPath").asText(""));
    String prefix = at.isEmpty() ? "" : at + ": ";
    try {
      Object result = program.eval(vars);
      if (!Boolean.TRUE.equals(result)) {
        String message = rule.path("message").asText("");
        errors.add(prefix + (message.isEmpty() ? "failed rule: " + expression : message));
      }
    } catch (CelEvaluationException e) {
      errors.add(prefix + "rule evaluation error: " + expression + ": " + e.getMessage());
    }
  }

  /** The path a failure is reported at: the rule's node, or the field it names below it. */
  private static String at(String path, String fieldPath) {
    if (fieldPath.isEmpty()) {
      return path;
    }
    String relative = fieldPath.startsWith(".") ? fieldPath.substring(1) : fieldPath;
    return path.isEmpty() ? relative : path + "." + relative;
  }

  private static CelRuntime.Program compile(String expression) {
    try {
      return CEL_RUNTIME.createProgram(CEL_COMPILER.compile(expression).getAst());
    } catch (CelValidationException | CelEvaluationException e) {
      throw new IllegalStateException(
          "x-kubernetes-validations rule does not compile: " + expression + "\n" + e.getMessage(),
          e);
    }
  }

  /** JSON → CEL: integers as Long, numbers as Double, objects as Map, arrays as List. */
  static Object toCel(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return dev.cel.common.values.NullValue.NULL_VALUE;
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().forEach(e -> map.put(e.getKey(), toCel(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.elements().forEachRemaining(e -> list.add(toCel(e)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.asText();
  }
}
