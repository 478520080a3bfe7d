package dev.kiln.sandbox.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShortTmpTest {
  @TempDir Path work;

  @Test
  void aDeepPodTmpGetsAShortLinkWhereSocketPathsFit() throws Exception {
    Path deep =
        Files.createDirectories(
            work.resolve(
                "e2e/target/e2e-sandbox/PytorchDdpIT/pods/e2e-pytorch-ddp-681y/iris-ddp-1-0-6xdg2/volumes/tmp"));

    String shortName = ShortTmp.of(deep.toString());

    assertThat(shortName.length()).isLessThanOrEqualTo(ShortTmp.MAX_LENGTH);
    assertThat(Path.of(shortName).toRealPath()).isEqualTo(deep.toRealPath());
    assertThat(ShortTmp.of(deep.toString()))
        .as("a retried container gets the same")
        .isEqualTo(shortName);
    Files.delete(Path.of(shortName));
  }

  @Test
  void aShortFolderIsKeptAsItIs() {
    assertThat(ShortTmp.of("/tmp/pod")).isEqualTo("/tmp/pod");
  }
}
