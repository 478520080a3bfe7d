package dev.kiln.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
