package dev.kiln.containers;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One run of the reference trainer image as a {@link TrainerPod}, shared by the tests that check
 * the run and the one that serves its model. With no dataset, data/ stays empty and the trainer
 * uses its bundled Iris set.
 */
final class TrainedModel {
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
    String image = Images.image("trainer");
    try (ReportServer reports = new ReportServer()) {
      TrainerPod pod = new TrainerPod("trainer", "{\"epochs\": \"" + EPOCHS + "\"}");
      ContainerEngine.Result result =
          pod.run(
              image, reports.url(), Map.of("KILN_HP_EPOCHS", "" + EPOCHS, "KILN_HP_SEED", "42"));
      return new Run(
          pod.workspace,
          result,
          List.copyOf(reports.reports),
          List.copyOf(reports.authorizations),
          pod.termination());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
