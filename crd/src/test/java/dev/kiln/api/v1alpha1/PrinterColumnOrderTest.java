package dev.kiln.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PrinterColumnOrderTest {
  private static String generated(String crd) throws IOException {
    return Files.readString(Path.of("target/classes/META-INF/fabric8/" + crd + "-v1.yml"));
  }

  @Test
  void kubectlShowsATrainingJobsPhaseAndProgressFirstAndItsAgeLast() throws IOException {
    String yaml =
        PrinterColumnOrder.declared(generated("trainingjobs.kiln.dev"), TrainingJob.class);
    assertThat(yaml)
        .containsSubsequence(
            "name: \"Phase\"",
            "name: \"Progress\"",
            "name: \"ETA\"",
            "name: \"Metric\"",
            "name: \"Artifact\"",
            "name: \"Age\"",
            "name: \"v1alpha1\"");
    assertThat(yaml.lines().count()).isEqualTo(generated("trainingjobs.kiln.dev").lines().count());
  }

  @Test
  void aModelServersColumnsFollowItsAnnotations() throws IOException {
    String yaml =
        PrinterColumnOrder.declared(generated("modelservers.kiln.dev"), ModelServer.class);
    assertThat(yaml)
        .containsSubsequence(
            "name: \"Phase\"",
            "name: \"Ready\"",
            "name: \"URL\"",
            "name: \"Model\"",
            "name: \"Age\"");
  }
}
