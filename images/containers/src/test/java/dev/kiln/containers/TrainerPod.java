package dev.kiln.containers;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A trainer container run the way Kiln's pod contract (docs/pod-contract.md) runs it: user 65532;
 * the workspace claim's data/, checkpoints/ and model/ mounted at /kiln/... (group 65532, set-gid,
 * as a pod's fsGroup makes them); the contract's environment and hyperparameters file; the report
 * token as a mounted Secret file; the termination-message file; a read-only root file system; no
 * capabilities; no new privileges.
 */
final class TrainerPod {
  static final String TOKEN = "container-test-token";

  final Path workspace;
  private final Path hparams;
  private final Path token;
  private final Path termination;
  private final Path attempt;

  /** A fresh workspace and pod files with the given hyperparameters (a JSON object of strings). */
  TrainerPod(String name, String hyperparametersJson) throws IOException {
    workspace = Images.folder(name + "-workspace");
    for (String sub : List.of("data", "checkpoints", "model")) {
      Images.shareWithGroup(Files.createDirectories(workspace.resolve(sub)));
    }
    Path pod = Images.folder(name + "-pod");
    hparams = Files.writeString(pod.resolve("hyperparameters.json"), hyperparametersJson);
    token = Files.writeString(pod.resolve("token"), TOKEN + "\n");
    // What the attempt step leaves for the first pod of a run.
    attempt = Files.writeString(pod.resolve("attempt"), "1\n");
    termination = Files.createFile(pod.resolve("termination-log"));
    // The kubelet creates the termination-message file writable for any container user.
    Images.openToAll(termination);
  }

  /** Runs {@code image} to completion, reporting to {@code reportUrl}; extra env as KILN_HP_*. */
  ContainerEngine.Result run(String image, String reportUrl, Map<String, String> env) {
    List<String> args = new ArrayList<>(List.of("run", "--rm", "--network", "host"));
    args.addAll(restricted("65532:65532"));
    for (String sub : List.of("data", "checkpoints", "model")) {
      args.addAll(List.of("-v", workspace.resolve(sub) + ":/kiln/" + sub));
    }
    args.addAll(
        List.of(
            "-v", hparams + ":/etc/kiln/meta/hyperparameters.json:ro",
            "-v", token + ":/var/run/kiln/report/token:ro",
            "-v", attempt + ":/var/run/kiln/attempt/attempt:ro",
            "-v", termination + ":/dev/termination-log",
            "-e", "KILN_JOB_NAME=" + workspace.getFileName(),
            "-e", "KILN_NAMESPACE=default",
            "-e", "KILN_ATTEMPT_FILE=/var/run/kiln/attempt/attempt",
            "-e", "KILN_DATA_DIR=/kiln/data",
            "-e", "KILN_CHECKPOINT_DIR=/kiln/checkpoints",
            "-e", "KILN_MODEL_DIR=/kiln/model",
            "-e", "KILN_HPARAMS_FILE=/etc/kiln/meta/hyperparameters.json",
            "-e", "KILN_REPORT_URL=" + reportUrl,
            "-e", "KILN_REPORT_TOKEN_FILE=/var/run/kiln/report/token"));
    env.forEach((k, v) -> args.addAll(List.of("-e", k + "=" + v)));
    args.add(image);
    return Images.engine().run(Duration.ofMinutes(5), args);
  }

  /** What the container wrote to /dev/termination-log ({} when nothing). */
  JsonNode termination() throws IOException {
    String message = Files.readString(termination);
    return Images.JSON.readTree(message.isBlank() ? "{}" : message);
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
