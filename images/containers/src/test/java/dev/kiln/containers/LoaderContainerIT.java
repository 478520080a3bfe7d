package dev.kiln.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.loader.LocalStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The loader image as the init containers and the upload Job run it: user 65532, the workspace at
 * /kiln, fetching from the loader tests' own HTTP and S3 stand-ins on the host's loopback.
 */
class LoaderContainerIT {
  private static LocalStores stores;

  @BeforeAll
  static void startStores() throws Exception {
    Images.engine();
    stores = new LocalStores();
  }

  @AfterAll
  static void stopStores() {
    if (stores != null) {
      stores.close();
    }
  }

  private static ContainerEngine.Result loader(
      Path workspace, Map<String, String> env, String... args) {
    List<String> run = new ArrayList<>(List.of("run", "--rm", "--network", "host"));
    run.addAll(TrainerPod.restricted("65532:65532"));
    run.addAll(List.of("-v", workspace + ":/kiln"));
    env.forEach((k, v) -> run.addAll(List.of("-e", k + "=" + v)));
    run.add(Images.image("loader"));
    run.addAll(List.of(args));
    return Images.engine().run(Duration.ofMinutes(3), run);
  }

  @Test
  void downloadsADatasetOverHttp() throws Exception {
    Path workspace = Images.folder("loader-http");
    ContainerEngine.Result r =
        loader(workspace, Map.of(), "download", stores.httpBase() + "/data/iris.csv", "/kiln/data");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(Files.readAllBytes(workspace.resolve("data/iris.csv"))).isEqualTo(LocalStores.MODEL);
  }

  @Test
  void downloadsAModelFromS3AndUploadsItBack() throws Exception {
    Path workspace = Images.folder("loader-s3");
    ContainerEngine.Result down =
        loader(workspace, stores.s3Env(), "download", "s3://models/iris/v1", "/kiln/model");
    assertThat(down.exitCode()).as(down.stderr()).isZero();
    assertThat(Files.readAllBytes(workspace.resolve("model/model.onnx")))
        .isEqualTo(LocalStores.MODEL);
    assertThat(Files.readString(workspace.resolve("model/extra/notes.txt"))).isEqualTo("notes");
    assertThat(down.stdout() + down.stderr()).doesNotContain(LocalStores.SECRET_KEY);

    ContainerEngine.Result up =
        loader(workspace, stores.s3Env(), "upload", "/kiln/model", "s3://models/uploads/container");
    assertThat(up.exitCode()).as(up.stderr()).isZero();
    assertThat(
            stores
                .admin()
                .listObjectsV2(b -> b.bucket("models").prefix("uploads/container/"))
                .contents()
                .stream()
                .map(o -> o.key())
                .toList())
        .containsExactlyInAnyOrder(
            "uploads/container/model.onnx",
            "uploads/container/metadata.json",
            "uploads/container/extra/notes.txt");
  }
}
