package dev.kiln.containers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trainer image run as Kiln's pod contract runs it (see {@link TrainedModel}). */
class TrainerContainerIT {

  @Test
  void trainsReportsEachEpochAndEndsWithTheTerminationMessage() throws Exception {
    TrainedModel.Run run = TrainedModel.get();
    assertThat(run.result().exitCode()).as(run.result().stderr()).isZero();

    assertThat(run.reports())
        .extracting(r -> r.get("epoch").asInt())
        .containsExactlyElementsOf(
            java.util.stream.IntStream.rangeClosed(1, TrainedModel.EPOCHS).boxed().toList());
    assertThat(run.authorizations()).containsOnly("Bearer " + TrainerPod.TOKEN);

    JsonNode message = run.termination();
    assertThat(message.at("/metrics/accuracy").asDouble()).isGreaterThan(0.85);
    assertThat(message.at("/artifact/path").asText()).isEqualTo("model.onnx");
    byte[] onnx = Files.readAllBytes(run.modelDir().resolve("model.onnx"));
    assertThat(message.at("/artifact/sha256").asText())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(onnx)));
  }

  /**
   * The model server and the uploader run as other users that share the pod's fsGroup: the model
   * files must belong to the volume's group and be readable by it (not the 0600 of a temp file).
   */
  @Test
  void writesTheModelAsUser65532ReadableByTheVolumesGroup() throws Exception {
    TrainedModel.Run run = TrainedModel.get();
    assertThat(run.result().exitCode()).as(run.result().stderr()).isZero();
    for (String name : List.of("model.onnx", "metadata.json")) {
      Path file = run.modelDir().resolve(name);
      assertThat(Files.getAttribute(file, "unix:uid")).as(name + " owner").isEqualTo(65532);
      if (Files.getAttribute(run.modelDir(), "unix:gid").equals(65532)) {
        assertThat(Files.getAttribute(file, "unix:gid")).as(name + " group").isEqualTo(65532);
      }
      assertThat(Files.getPosixFilePermissions(file))
          .as(name + " mode")
          .contains(PosixFilePermission.GROUP_READ);
    }
  }
}
