package dev.kiln.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** helm lint --strict passes for both charts, with their defaults and each documented file. */
class ChartLintTest {
  @TempDir Path tmp;

  static Stream<Path> charts() {
    return Stream.of(Charts.OPERATOR, Charts.TRAINING);
  }

  @ParameterizedTest
  @MethodSource("charts")
  void lintsStrictWithDefaultValues(Path chart) {
    LintResult result = new Helm(chart).lint().strict().call();
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
  }

  @Test
  void lintsStrictWithEveryDocumentedValuesFile() throws Exception {
    List<Path> linted = new ArrayList<>();
    for (Path chart : List.of(Charts.OPERATOR, Charts.TRAINING)) {
      for (Path values : Charts.ciValues(chart)) {
        LintResult result = new Helm(Charts.withValues(chart, values, tmp)).lint().strict().call();
        assertThat(result.isFailed())
            .as(values + ":\n" + String.join("\n", result.getMessages()))
            .isFalse();
        linted.add(values);
      }
    }
    assertThat(linted).hasSizeGreaterThanOrEqualTo(3);
  }
}
