package dev.kiln.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.sandbox.cluster.RuntimeChoice;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SandboxOptionsTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void theDefaultsRunTheQuickstartInTheModulesTargetFolder() {
    var o = SandboxMain.Options.parse(new String[0], ROOT);
    assertThat(o.file()).isEqualTo(ROOT.resolve("examples/quickstart.yaml"));
    assertThat(o.dir()).isEqualTo(ROOT.resolve("sandbox/target/sandbox"));
    assertThat(o.keepRunning()).isFalse();
    assertThat(o.timeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(o.runtime()).as("the engine found, else processes").isEqualTo(RuntimeChoice.AUTO);
  }

  @Test
  void theRuntimeIsChosenInEitherForm() {
    assertThat(SandboxMain.Options.parse(new String[] {"--runtime=podman"}, ROOT).runtime())
        .isEqualTo(RuntimeChoice.PODMAN);
    assertThat(SandboxMain.Options.parse(new String[] {"--runtime", "process"}, ROOT).runtime())
        .isEqualTo(RuntimeChoice.PROCESS);
    assertThatThrownBy(() -> SandboxMain.Options.parse(new String[] {"--runtime=crun"}, ROOT))
        .hasMessage("--runtime must be one of auto, podman, docker, process: crun");
  }

  @Test
  void optionsAndAFileRelativeToTheRepository() {
    var o =
        SandboxMain.Options.parse(
            new String[] {
              "--keep-running",
              "--port",
              "6443",
              "--timeout",
              "90",
              "examples/trainingjob-basic.yaml"
            },
            ROOT);
    assertThat(o.keepRunning()).isTrue();
    assertThat(o.port()).isEqualTo(6443);
    assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(o.file()).isEqualTo(ROOT.resolve("examples/trainingjob-basic.yaml"));
  }

  @Test
  void mistakesNameTheOptionOrFile() {
    assertThatThrownBy(() -> SandboxMain.Options.parse(new String[] {"--port", "http"}, ROOT))
        .hasMessage("--port must be a number from 0 to 65535: http");
    assertThatThrownBy(() -> SandboxMain.Options.parse(new String[] {"--dir"}, ROOT))
        .hasMessage("--dir needs a value");
    assertThatThrownBy(() -> SandboxMain.Options.parse(new String[] {"--verbose"}, ROOT))
        .hasMessage("unknown option --verbose");
    assertThatThrownBy(() -> SandboxMain.Options.parse(new String[] {"nope.yaml"}, ROOT))
        .hasMessageContaining("no such file: ")
        .hasMessageContaining("nope.yaml");
  }

  @Test
  void imagesAreBuildContextsRelativeToTheRepositoryAndAFolderAppliesEachOfItsFiles() {
    var o =
        SandboxMain.Options.parse(
            new String[] {
              "--image",
              "registry.example/kiln-examples/sklearn-train:1=examples/sklearn-classic/train",
              "--image",
              "sklearn-server=" + ROOT.resolve("examples/sklearn-classic/server"),
              "examples/sklearn-classic"
            },
            ROOT);
    assertThat(o.images())
        .extracting(i -> i.reference())
        .containsExactly("registry.example/kiln-examples/sklearn-train:1", "sklearn-server");
    assertThat(o.images().get(0).workdir())
        .isEqualTo(ROOT.resolve("examples/sklearn-classic/train"));
    assertThat(o.images().get(0).context())
        .as("what container mode builds")
        .isEqualTo(ROOT.resolve("examples/sklearn-classic/train"));
    assertThat(o.file()).isEqualTo(ROOT.resolve("examples/sklearn-classic"));
  }

  @Test
  void aWrongImageOptionNamesWhatIsWrong() {
    assertThatThrownBy(() -> SandboxMain.Options.parse(new String[] {"--image", "train"}, ROOT))
        .hasMessage("--image needs NAME=DIR (an image reference and its build context): train");
    assertThatThrownBy(
            () -> SandboxMain.Options.parse(new String[] {"--image", "train=examples"}, ROOT))
        .hasMessage("--image train=examples: no Dockerfile in " + ROOT.resolve("examples"));
  }
}
