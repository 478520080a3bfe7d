package dev.kiln.containers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example image examples/python-trainer, run under the pod contract like the reference one. */
class PythonTrainerContainerIT {

  @Test
  void trainsOnTheMountedDataAndReportsEachEpoch() throws Exception {
    ContainerEngine engine = Images.engine();
    String image = Images.image("python-trainer");
    Path workspace = Images.folder("python-workspace");
    Files.createDirectories(workspace.resolve("data"));
    Images.shareWithGroup(workspace.resolve("data"));
    Files.copy(
        Images.ROOT.resolve("images/trainer/src/main/resources/dev/kiln/trainer/iris.csv"),
        workspace.resolve("data/iris.csv"));
    Path pod = Images.folder("python-pod");
    Path token = Files.writeString(pod.resolve("token"), TrainedModel.TOKEN);
    Path termination = Files.createFile(pod.resolve("termination-log"));
    Path hparams =
        Files.writeString(
            pod.resolve("hyperparameters.json"),
            "{\"epochs\": \"50\", \"learning_rate\": \"0.05\"}");
    Images.openToAll(termination);
    try (ReportServer reports = new ReportServer()) {
      List<String> args = new ArrayList<>(List.of("run", "--rm", "--network", "host"));
      args.addAll(TrainedModel.restricted("65532:65532"));
      args.addAll(
          List.of(
              "-v",
              workspace + ":/kiln",
              "-v",
              token + ":/var/run/kiln/report-token/token:ro",
              "-v",
              termination + ":/dev/termination-log",
              "-e",
              "KILN_ATTEMPT=1",
              "-e",
              "KILN_DATA_DIR=/kiln/data",
              "-e",
              "KILN_CHECKPOINT_DIR=/kiln/checkpoints",
              "-e",
              "KILN_MODEL_DIR=/kiln/model",
              "-v",
              hparams + ":/etc/kiln/meta/hyperparameters.json:ro",
              "-e",
              "KILN_HPARAMS_FILE=/etc/kiln/meta/hyperparameters.json",
              "-e",
              "KILN_REPORT_URL=" + reports.url(),
              "-e",
              "KILN_REPORT_TOKEN_FILE=/var/run/kiln/report-token/token",
              image));
      ContainerEngine.Result run = engine.run(Duration.ofMinutes(5), args);
      assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isZero();
      assertThat(reports.reports).hasSize(50);
      assertThat(reports.authorizations).containsOnly("Bearer " + TrainedModel.TOKEN);
    }
    JsonNode message = Images.JSON.readTree(Files.readString(termination));
    assertThat(message.at("/metrics/accuracy").asDouble()).isGreaterThan(0.8);
    assertThat(message.at("/artifact/path").asText()).isEqualTo("model.json");
    assertThat(Files.getPosixFilePermissions(workspace.resolve("model/model.json")))
        .contains(PosixFilePermission.GROUP_READ);
  }
}
