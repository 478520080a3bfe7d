package dev.kiln.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed CRD YAML (crd/ and the operator chart's crds/) must be what the build generates
 * from the Java types, with the printer columns in their declared order ({@link
 * PrinterColumnOrder}); otherwise users would install a schema that differs from the code.
 */
class CrdDriftTest {
  static final String REGENERATE = "./mvnw -pl crd test -Dtest=CrdDriftTest -Dkiln.crd.update=true";

  private static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");

  static List<String> crds() {
    return List.of("trainingjobs.kiln.dev", "modelservers.kiln.dev");
  }

  static Class<?> type(String crd) {
    return crd.startsWith("trainingjobs") ? TrainingJob.class : ModelServer.class;
  }

  static List<Path> committedCopies(String crd) {
    String file = crd + ".yaml";
    return List.of(Path.of(file), Path.of("../charts/kiln-operator/crds", file));
  }

  @ParameterizedTest
  @MethodSource("crds")
  void committedCrdMatchesTheJavaTypes(String crd) throws IOException {
    String generated =
        PrinterColumnOrder.declared(
            Files.readString(GENERATED.resolve(crd + "-v1.yml")), type(crd));
    for (Path committed : committedCopies(crd)) {
      if (Boolean.getBoolean("kiln.crd.update")) {
        Files.createDirectories(committed.toAbsolutePath().getParent());
        Files.writeString(committed, generated);
      }
      assertThat(Files.exists(committed) ? Files.readString(committed) : "<missing>")
          .as(
              "%s is out of date with the Java API types in crd/src/main/java. Regenerate it"
                  + " with: %s",
              committed.normalize(), REGENERATE)
          .isEqualTo(generated);
    }
  }
}
