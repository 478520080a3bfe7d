package dev.kiln.sandbox.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerRootTest {
  @TempDir Path dir;

  private ContainerRoot root() throws Exception {
    Path workspace = Files.createDirectories(dir.resolve("claim"));
    Path source = Files.createDirectories(dir.resolve("source"));
    return new ContainerRoot(
        dir.resolve("root"),
        List.of(
            new VolumeMountBuilder()
                .withName("workspace")
                .withMountPath("/kiln/data")
                .withSubPath("data")
                .build(),
            new VolumeMountBuilder()
                .withName("workspace")
                .withMountPath("/kiln/model/")
                .withSubPath("model")
                .build(),
            new VolumeMountBuilder().withName("src").withMountPath("/mnt/pvc/datasets").build()),
        Map.of("workspace", workspace, "src", source));
  }

  @Test
  void pathsOnAMountAreMovedIntoTheRootAndLeadToTheVolume() throws Exception {
    ContainerRoot root = root();
    Path mapped = Path.of(root.map("/kiln/model/model.onnx"));
    assertThat(mapped).isEqualTo(dir.resolve("root/kiln/model/model.onnx"));
    Files.writeString(mapped, "onnx");
    assertThat(dir.resolve("claim/model/model.onnx"))
        .as("subPath created and linked")
        .hasContent("onnx");
    assertThat(root.map("/kiln/data")).isEqualTo(dir.resolve("root/kiln/data").toString());
  }

  @Test
  void theParentOfMountsIsAFolderOfLinks() throws Exception {
    ContainerRoot root = root();
    Path pvcRoot = Path.of(root.map("/mnt/pvc"));
    assertThat(pvcRoot.resolve("datasets")).isSymbolicLink();
    assertThat(Files.readSymbolicLink(pvcRoot.resolve("datasets")))
        .isEqualTo(dir.resolve("source"));
  }

  @Test
  void otherValuesAreLeftAlone() throws Exception {
    ContainerRoot root = root();
    assertThat(root.map("/usr/bin/java")).isEqualTo("/usr/bin/java");
    assertThat(root.map("/kiln/database"))
        .as("a prefix by characters, not by path")
        .isEqualTo("/kiln/database");
    assertThat(root.map("s3://bucket/kiln/data")).isEqualTo("s3://bucket/kiln/data");
    assertThat(root.map("0.05")).isEqualTo("0.05");
    assertThat(root.map("--out=/kiln/model")).isEqualTo("--out=" + dir.resolve("root/kiln/model"));
  }
}
