package dev.kiln.sandbox.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kubelet's fsGroup ownership of a volume, and the folders it creates for a pod. */
class VolumeOwnershipTest {
  @TempDir Path dir;

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static int gid(Path p) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
  }

  @Test
  void asRootEveryFileBelongsToTheFsGroupWithGroupAccessAndFoldersPassTheGroupOn()
      throws Exception {
    assumeTrue(root(), "only root may give files to another group (run the tests as root)");
    Path volume = Files.createDirectories(dir.resolve("workspace"));
    Path model = Files.createDirectories(volume.resolve("model"));
    Path file = Files.writeString(model.resolve("model.onnx"), "onnx");
    Files.setAttribute(file, "unix:mode", 0600);
    Files.setAttribute(model, "unix:mode", 0700);

    VolumeOwnership.apply(volume, 65532, false);

    assertThat(gid(file)).isEqualTo(65532);
    assertThat(gid(model)).isEqualTo(65532);
    assertThat(VolumeOwnership.mode(file)).isEqualTo(0660);
    assertThat(VolumeOwnership.mode(model)).as("group rwx and set-gid").isEqualTo(02770);
    Path created = Files.writeString(model.resolve("metadata.json"), "{}");
    assertThat(gid(created)).as("inherited through set-gid").isEqualTo(65532);
  }

  @Test
  void aReadOnlyVolumeGetsGroupReadOnly() throws Exception {
    assumeTrue(root(), "only root may give files to another group (run the tests as root)");
    Path secret = Files.createDirectories(dir.resolve("token"));
    Path file = Files.writeString(secret.resolve("token"), "t");
    Files.setAttribute(file, "unix:mode", 0600);

    VolumeOwnership.apply(secret, 65532, true);

    assertThat(VolumeOwnership.mode(file)).isEqualTo(0640);
    assertThat(VolumeOwnership.mode(secret) & 02550).isEqualTo(02550);
  }

  @Test
  void aSubPathFolderGetsItsVolumesPermissionsAndAnEmptyDirIsOpenToAll() throws Exception {
    Path volume = Files.createDirectories(dir.resolve("workspace"));
    Files.setAttribute(volume, "unix:mode", 02775);
    Path sub = VolumeOwnership.subPath(volume, volume.resolve("checkpoints"));
    assertThat(Files.isDirectory(sub)).isTrue();
    assertThat(VolumeOwnership.mode(sub)).isEqualTo(02775);

    Path empty = Files.createDirectories(dir.resolve("tmp"));
    VolumeOwnership.openToAll(empty);
    assertThat(VolumeOwnership.mode(empty)).isEqualTo(0777);
  }
}
