package dev.kiln.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the Dockerfiles declare survives into the built images. An OCI-format build silently drops
 * HEALTHCHECK (OCI image configs have no such field); images/build.sh builds in Docker format.
 */
class ImageConfigIT {

  @ParameterizedTest
  @ValueSource(strings = {"operator", "trainer", "model-server", "loader"})
  void theImageKeepsItsDockerfilesHealthcheckAndNonRootUser(String name) throws Exception {
    String image = Images.image(name);
    String dockerfile = Files.readString(Images.ROOT.resolve("images/" + name + "/Dockerfile"));

    List<String> healthcheck = Images.healthcheck(image);
    if (dockerfile.lines().anyMatch(l -> l.startsWith("HEALTHCHECK"))) {
      assertThat(healthcheck).as("HEALTHCHECK of " + image).isNotEmpty().startsWith("CMD");
      assertThat(String.join(" ", healthcheck)).contains("HealthCheck");
    }
    assertThat(Images.user(image)).isEqualTo("65532:65532");
  }
}
