package dev.kiln.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The repository root's build context as the engine itself sees it, through the root .dockerignore:
 * no git history and no build output, except the jars the images copy.
 */
class DockerignoreIT {

  @Test
  void theBuildContextCarriesNeitherGitNorTargetFoldersButTheImagesJars() throws Exception {
    ContainerEngine engine = Images.engine();
    Images.image("trainer"); // its jar exists and its base is present
    Path dockerfile = Images.folder("context").resolve("Dockerfile");
    Files.writeString(
        dockerfile,
        "FROM docker.io/library/eclipse-temurin:17.0.15_6-jre-jammy\nCOPY . /context\n");
    String probe = "localhost/kiln-context-probe:" + Images.VERSION;
    engine.check(
        Duration.ofMinutes(5),
        List.of("build", "-q", "-f", dockerfile.toString(), "-t", probe, Images.ROOT.toString()));
    try {
      List<String> files =
          engine
              .check(
                  Duration.ofMinutes(2),
                  List.of("run", "--rm", probe, "find", "/context", "-maxdepth", "4"))
              .stdout()
              .lines()
              .map(l -> l.substring("/context".length()))
              .toList();
      assertThat(files)
          .contains(
              "/pom.xml", "/images/trainer/Dockerfile", "/images/trainer/target/kiln-trainer.jar")
          .doesNotContain("/.git", "/images/trainer/target/classes", "/crd/target")
          .noneMatch(f -> f.endsWith("/target/classes") || f.endsWith("/target/surefire-reports"));
    } finally {
      engine.run(Duration.ofMinutes(1), List.of("rmi", "-f", probe));
    }
  }
}
