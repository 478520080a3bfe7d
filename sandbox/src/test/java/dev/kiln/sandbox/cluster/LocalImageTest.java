package dev.kiln.sandbox.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalImageTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void theReferenceImagesRunTheirDockerfilesEntrypointFromTheirModulesBuildFolder() {
    LocalImages images = LocalImages.fromRepository(ROOT);
    assertThat(images.all())
        .extracting(LocalImage::reference)
        .containsExactlyInAnyOrder(
            "kiln-loader:0.1.0", "kiln-model-server:0.1.0", "kiln-trainer:0.1.0");
    LocalImage trainer = images.find("ghcr.io/kiln-dev/kiln-trainer:0.1.0").orElseThrow();
    assertThat(trainer.entrypoint())
        .containsExactly(
            "java",
            "-XX:MaxRAMPercentage=75",
            "-XX:+ExitOnOutOfMemoryError",
            "-jar",
            "kiln-trainer.jar");
    assertThat(trainer.cmd()).containsExactly("train");
    assertThat(trainer.workdir()).isEqualTo(ROOT.resolve("images/trainer/target"));
    LocalImage server = images.find("ghcr.io/kiln-dev/kiln-model-server:0.1.0").orElseThrow();
    assertThat(server.env())
        .containsEntry("KILN_MODEL_DIR", "/mnt/models")
        .containsEntry("KILN_PORT", "8080");
    assertThat(server.cmd()).as("the HEALTHCHECK's CMD is not the image's").isEmpty();
  }

  @Test
  void anImageIsFoundByRepositoryNameAndTagFromAnyRegistry() {
    LocalImage trainer =
        new LocalImage(
            "kiln-trainer", "0.1.0", java.util.Map.of(), List.of("java"), List.of(), ROOT, null);
    assertThat(trainer.matches("ghcr.io/kiln-dev/kiln-trainer:0.1.0")).isTrue();
    assertThat(trainer.matches("localhost:5000/kiln-trainer:0.1.0")).isTrue();
    assertThat(trainer.matches("kiln-trainer")).isTrue();
    assertThat(trainer.matches("ghcr.io/kiln-dev/kiln-trainer:0.2.0")).isFalse();
    assertThat(trainer.matches("ghcr.io/kiln-dev/kiln-trainr:0.1.0")).isFalse();
    assertThat(trainer.matches("ghcr.io/kiln-dev/kiln-trainer:0.1.0@sha256:abc")).isTrue();
  }

  @Test
  void onlyTheFinalStageCountsAndContinuationLinesAreJoined(@TempDir Path repo) throws Exception {
    Files.writeString(
        repo.resolve("Dockerfile"),
        """
        FROM builder AS build
        ENV STAGE=build
        ENTRYPOINT ["wrong"]
        FROM runtime
        # a comment
        LABEL org.opencontainers.image.title="demo" \\
              org.opencontainers.image.version="1.2"
        ENV A=1 \\
            B="two words"
        COPY --from=build /src/mod/target/demo.jar ./
        COPY --from=build /src/mod/target/lib ./lib
        ENTRYPOINT ["java", "-jar", "demo.jar"]
        CMD ["serve"]
        """);
    LocalImage image = LocalImage.fromDockerfile(repo.resolve("Dockerfile"), repo);
    assertThat(image.reference()).isEqualTo("demo:1.2");
    assertThat(image.env()).containsOnlyKeys("A", "B").containsEntry("B", "two words");
    assertThat(image.entrypoint()).containsExactly("java", "-jar", "demo.jar");
    assertThat(image.cmd()).containsExactly("serve");
    assertThat(image.workdir()).isEqualTo(repo.resolve("mod/target"));
  }

  @Test
  void aDockerfileTheSandboxCannotRunIsRejectedWithWhatItNeeds(@TempDir Path repo)
      throws Exception {
    Files.writeString(repo.resolve("Dockerfile"), "FROM x\nENTRYPOINT java -jar a.jar\n");
    assertThatThrownBy(() -> LocalImage.fromDockerfile(repo.resolve("Dockerfile"), repo))
        .hasMessageContaining("JSON (exec) form");
  }
}
