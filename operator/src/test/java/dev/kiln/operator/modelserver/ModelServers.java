package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.Artifact;
import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerSpec;
import dev.kiln.api.v1alpha1.ModelSource;
import dev.kiln.api.v1alpha1.ServedModel;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.api.v1alpha1.TrainingJobStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;

/** ModelServers and TrainingJobs for the unit tests. */
final class ModelServers {
  static final String NS = "team-a";

  private ModelServers() {}

  static ModelServer fromUri(String name, String uri) {
    return with(name, ModelSource.builder().uri(uri).build());
  }

  static ModelServer fromJob(String name, String trainingJob) {
    return with(
        name,
        ModelSource.builder().trainingJobRef(new ModelSource.TrainingJobRef(trainingJob)).build());
  }

  static ModelServer with(String name, ModelSource source) {
    ModelServer ms = new ModelServer();
    ms.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(NS)
            .withUid("uid-" + name)
            .withGeneration(1L)
            .build());
    ModelServerSpec spec = new ModelServerSpec();
    spec.setModel(source);
    ms.setSpec(spec);
    return ms;
  }

  static ServedModel pvcModel() {
    return ServedModel.builder()
        .uri("pvc://iris-workspace/model/model.onnx")
        .sha256("ab12")
        .format("onnx")
        .trainingJob("iris")
        .trainingJobUid("uid-iris")
        .build();
  }

  static TrainingJob trainingJob(
      String name, TrainingJobPhase phase, String completed, Map<String, String> labels) {
    TrainingJob tj = new TrainingJob();
    tj.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(NS)
            .withUid("uid-" + name)
            .withLabels(labels)
            .withCreationTimestamp("2026-01-01T00:00:00Z")
            .build());
    TrainingJobStatus s = new TrainingJobStatus();
    s.setPhase(phase);
    if (phase == TrainingJobPhase.Succeeded) {
      s.setCompletionTime(completed);
      s.setArtifact(
          Artifact.builder()
              .uri("pvc://" + name + "-workspace/model/model.onnx")
              .sha256("sha-" + name)
              .format("onnx")
              .build());
    }
    tj.setStatus(s);
    return tj;
  }

  static TrainingJob qualified(TrainingJob tj, boolean qualified) {
    tj.getStatus()
        .setConditions(
            List.of(
                new ConditionBuilder()
                    .withType("ModelQualified")
                    .withStatus(qualified ? "True" : "False")
                    .withReason(qualified ? "QualityGatePassed" : "QualityGateFailed")
                    .build()));
    return tj;
  }
}
