package dev.kiln.containers;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of the trainer image as Kiln's pod contract runs it (docs/pod-contract.md), shared by the
 * tests that check the run and the one that serves its model: user 65532; the workspace claim's
 * data/, checkpoints/ and model/ mounted at /kiln/... (group 65532, like a pod's fsGroup); the
 * contract's environment and hyperparameters file; the report token as a mounted Secret file; the
 * termination-message file; a read-only root file system; no capabilities.
 */
final class TrainedModel {
  static final String TOKEN = "container-test-token";
  static final int EPOCHS = 8;

  record Run(
      Path workspace,
      ContainerEngine.Result result,
      List<JsonNode> reports,
      List<String> authorizations,
      JsonNode termination) {
    Path modelDir() {
      return workspace.resolve("model");
    }
  }

  private static Run run;

  private TrainedModel() {}

  static synchronized Run get() {
    if (run == null) {
      run = train();
    }
    return run;
  }

  private static Run train() {
    ContainerEngine engine = Images.engine();
    String image = Images.image("trainer");
    Path workspace = Images.folder("workspace");
    Path pod = Images.folder("pod");
    try (ReportServer reports = new ReportServer()) {
      // With no spec.dataset data/ stays empty and the trainer uses its bundled Iris set.
      List<String> args = new ArrayList<>(List.of("run", "--rm", "--network", "host"));
      args.addAll(restricted("65532:65532"));
      for (String sub : List.of("data", "checkpoints", "model")) {
        Images.shareWithGroup(Files.createDirectories(workspace.resolve(sub)));
        args.addAll(List.of("-v", workspace.resolve(sub) + ":/kiln/" + sub));
      }
      Path hparams =
          Files.writeString(
              pod.resolve("hyperparameters.json"),
              "{\"epochs\": \"" + EPOCHS + "\", \"seed\": \"42\"}");
      Path token = Files.writeString(pod.resolve("token"), TOKEN + "\n");
      Path termination = Files.createFile(pod.resolve("termination-log"));
      // The kubelet creates the termination-message file writable for any container user.
      Images.openToAll(termination);
      args.addAll(
          List.of(
              "-v",
              hparams + ":/etc/kiln/meta/hyperparameters.json:ro",
              "-v",
              token + ":/var/run/kiln/report/token:ro",
              "-v",
              termination + ":/dev/termination-log",
              "-e",
              "KILN_JOB_NAME=iris-container",
              "-e",
              "KILN_NAMESPACE=default",
              "-e",
              "KILN_ATTEMPT=1",
              "-e",
              "KILN_DATA_DIR=/kiln/data",
              "-e",
              "KILN_CHECKPOINT_DIR=/kiln/checkpoints",
              "-e",
              "KILN_MODEL_DIR=/kiln/model",
              "-e",
              "KILN_HPARAMS_FILE=/etc/kiln/meta/hyperparameters.json",
              "-e",
              "KILN_HP_EPOCHS=" + EPOCHS,
              "-e",
              "KILN_HP_SEED=42",
              "-e",
              "KILN_REPORT_URL=" + reports.url(),
              "-e",
              "KILN_REPORT_TOKEN_FILE=/var/run/kiln/report/token",
              image));
      ContainerEngine.Result result = engine.run(Duration.ofMinutes(5), args);
      String message = Files.readString(termination);
      return new Run(
          workspace,
          result,
          List.copyOf(reports.reports),
          List.copyOf(reports.authorizations),
          Images.JSON.readTree(message.isBlank() ? "{}" : message));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A restricted pod's container settings: the user, no root file system writes, no caps. */
  static List<String> restricted(String user) {
    return List.of(
        "--user",
        user,
        "--read-only",
        "--tmpfs",
        "/tmp:rw,nosuid,nodev,size=256m",
        "--cap-drop",
        "ALL",
        "--security-opt",
        "no-new-privileges");
  }
}
