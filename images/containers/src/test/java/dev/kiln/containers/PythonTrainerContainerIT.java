package dev.kiln.containers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example image examples/python-trainer, run under the pod contract like the reference one. */
class PythonTrainerContainerIT {

  @Test
  void trainsOnTheMountedDataAndReportsEachEpoch() throws Exception {
    String image = Images.image("python-trainer");
    TrainerPod pod = new TrainerPod("python", "{\"epochs\": \"50\", \"learning_rate\": \"0.05\"}");
    Files.copy(
        Images.ROOT.resolve("images/trainer/src/main/resources/dev/kiln/trainer/iris.csv"),
        pod.workspace.resolve("data/iris.csv"));
    try (ReportServer reports = new ReportServer()) {
      ContainerEngine.Result run = pod.run(image, reports.url(), Map.of());
      assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isZero();
      assertThat(reports.reports).hasSize(50);
      assertThat(reports.authorizations).containsOnly("Bearer " + TrainerPod.TOKEN);
    }
    JsonNode message = pod.termination();
    assertThat(message.at("/metrics/accuracy").asDouble()).isGreaterThan(0.8);
    assertThat(message.at("/artifact/path").asText()).isEqualTo("model.json");
    assertThat(Files.getPosixFilePermissions(pod.workspace.resolve("model/model.json")))
        .contains(PosixFilePermission.GROUP_READ);
  }
}
