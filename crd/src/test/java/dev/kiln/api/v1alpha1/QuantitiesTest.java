package dev.kiln.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Quantities read as the API server reads them (resource.ParseQuantity). */
class QuantitiesTest {

  @ParameterizedTest
  @CsvSource({
    "4Gi, 4294967296",
    "500m, 0.5",
    "2, 2",
    "1.5, 1.5",
    ".5Ki, 512",
    "1., 1",
    "+3k, 3000",
    "1e3, 1000",
    "12E-1, 1.2",
    "100u, 0.0001",
    "-1, -1",
  })
  void aQuantityHasItsValue(String text, String value) {
    assertThat(Quantities.parse(text))
        .hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo(new BigDecimal(value)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "lots", "4gi", "1.5.5", "1 Gi", "Gi", "1e", "0x10", "1Ki5", "1e99999999999"})
  void anythingElseIsNotAQuantity(String text) {
    assertThat(Quantities.isQuantity(text)).isFalse();
  }
}
