package dev.kiln.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.testkit.crd.CrdValidator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The training chart renders resources the API server would accept, from any valid values. */
class TrainingChartTest {
  static final CrdValidator VALIDATOR = CrdValidator.kiln();

  @Test
  void theReadmeCommandRendersAValidTrainingJob() {
    List<Map<String, Object>> docs =
        Charts.render(
            Charts.TRAINING,
            null,
            Map.of(
                "image", "registry.example/trainer:1",
                "hyperparameters.lr", "0.01",
                "hyperparameters.epochs", 20,
                "dataset.source", "s3://datasets/iris.csv"));
    Map<String, Object> tj = Charts.ofKind(docs, "TrainingJob").get(0);
    assertThat(VALIDATOR.validate(tj)).isEmpty();
    assertThat(Charts.at(tj, "metadata", "name")).isEqualTo("kiln");
    assertThat(Charts.map(Charts.at(tj, "spec", "hyperparameters")))
        .containsEntry("lr", "0.01")
        .containsEntry("epochs", "20");
    assertThat(Charts.at(tj, "spec", "dataset", "source")).isEqualTo("s3://datasets/iris.csv");
    assertThat(Charts.ofKind(docs, "ModelServer")).as("serving is opt-in").isEmpty();
  }

  @Test
  void everyFieldOfTheFullValuesFileReachesAValidTrainingJobAndModelServer() {
    List<Map<String, Object>> docs =
        Charts.render(Charts.TRAINING, Charts.TRAINING.resolve("ci/full-values.yaml"), Map.of());
    Map<String, Object> tj = Charts.ofKind(docs, "TrainingJob").get(0);
    Map<String, Object> ms = Charts.ofKind(docs, "ModelServer").get(0);
    assertThat(VALIDATOR.validate(tj)).isEmpty();
    assertThat(VALIDATOR.validate(ms)).isEmpty();
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) tj.get("spec");
    assertThat(spec)
        .containsKeys(
            "image",
            "args",
            "env",
            "resources",
            "hyperparameters",
            "dataset",
            "prepare",
            "workspace",
            "output",
            "workers",
            "backoffLimit",
            "activeDeadlineSeconds",
            "startupDeadlineSeconds",
            "progressDeadlineSeconds",
            "ttlSecondsAfterFinished",
            "nodeSelector",
            "tolerations",
            "priorityClassName",
            "qualityGate",
            "keyMetric");
    assertThat(Charts.map(Charts.at(tj, "metadata", "labels")))
        .containsEntry("kueue.x-k8s.io/queue-name", "gpu-queue");
    assertThat(Charts.at(ms, "spec", "model", "trainingJobRef", "name")).isEqualTo("iris-full");
    assertThat(Charts.at(ms, "spec", "autoscaling", "maxReplicas")).isEqualTo(5);
    assertThat(Charts.at(ms, "spec", "grpcPort")).isEqualTo(9001);
  }

  @Test
  void everyTrainingJobSpecFieldIsReachableFromValues() {
    var schemaFields =
        VALIDATOR
            .schemaOf("kiln.dev/v1alpha1", "TrainingJob")
            .path("properties")
            .path("spec")
            .path("properties")
            .fieldNames();
    List<Map<String, Object>> docs =
        Charts.render(
            Charts.TRAINING,
            Charts.TRAINING.resolve("ci/full-values.yaml"),
            Map.of(
                "suspend",
                true,
                "serviceAccountName",
                "trainer",
                "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
                    + ".nodeSelectorTerms[0].matchExpressions[0].key",
                "zone",
                "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
                    + ".nodeSelectorTerms[0].matchExpressions[0].operator",
                "Exists",
                "imagePullSecrets[0].name",
                "registry",
                "command[0]",
                "python3",
                "envFrom[0].configMapRef.name",
                "settings"));
    Map<String, Object> tj = Charts.ofKind(docs, "TrainingJob").get(0);
    assertThat(VALIDATOR.validate(tj)).isEmpty();
    schemaFields.forEachRemaining(
        field ->
            assertThat(Charts.map(tj.get("spec")))
                .as("spec." + field + " from values")
                .containsKey(field));
  }

  @Test
  void wrongValuesFailWithTheSchemasMessage() {
    assertThatThrownBy(() -> Charts.render(Charts.TRAINING, null, Map.of("workers", -1)))
        .hasMessageContaining("workers")
        .hasMessageContaining("minimum");
    assertThatThrownBy(
            () ->
                Charts.render(
                    Charts.TRAINING, null, Map.of("dataset.source", "ftp://example.com/iris.csv")))
        .hasMessageContaining("/dataset/source")
        .hasMessageContaining("does not match pattern");
    assertThatThrownBy(
            () ->
                Charts.render(
                    Charts.TRAINING,
                    null,
                    Map.of(
                        "qualityGate[0].metric",
                        "accuracy",
                        "qualityGate[0].op",
                        "=~",
                        "qualityGate[0].value",
                        1)))
        .hasMessageContaining("/qualityGate/0/op");
    assertThatThrownBy(
            () -> Charts.render(Charts.TRAINING, null, Map.of("workspace.retainPolicy", "Keep")))
        .hasMessageContaining("/workspace/retainPolicy");
  }

  @Test
  void aQualityGateThresholdMayBeSetFromTheCommandLine() {
    List<Map<String, Object>> docs =
        Charts.render(
            Charts.TRAINING,
            null,
            Map.of(
                "qualityGate[0].metric", "accuracy",
                "qualityGate[0].op", ">=",
                "qualityGate[0].value", "0.9",
                "qualityGate[1].metric", "loss",
                "qualityGate[1].op", "<",
                "qualityGate[1].value", 1));
    Map<String, Object> tj = Charts.ofKind(docs, "TrainingJob").get(0);
    assertThat(VALIDATOR.validate(tj)).isEmpty();
    assertThat(Charts.at(tj, "spec", "qualityGate"))
        .isEqualTo(
            List.of(
                Map.of("metric", "accuracy", "op", ">=", "value", 0.9),
                Map.of("metric", "loss", "op", "<", "value", 1)));
    assertThatThrownBy(
            () ->
                Charts.render(
                    Charts.TRAINING,
                    null,
                    Map.of(
                        "qualityGate[0].metric", "accuracy",
                        "qualityGate[0].op", ">=",
                        "qualityGate[0].value", "high")))
        .hasMessageContaining("/qualityGate/0/value");
  }

  @Test
  void theMonitoringNamespaceMayScrapeTheModelServer() {
    List<Map<String, Object>> docs =
        Charts.render(
            Charts.TRAINING,
            null,
            Map.of("serve.enabled", true, "serve.networkPolicy.monitoringNamespace", "monitoring"));
    Map<String, Object> ms = Charts.ofKind(docs, "ModelServer").get(0);
    assertThat(VALIDATOR.validate(ms)).isEmpty();
    assertThat(Charts.at(ms, "spec", "networkPolicy", "allowFrom"))
        .as("the same namespace stays admitted, and monitoring is added")
        .isEqualTo(
            List.of(
                Map.of("podSelector", Map.of()),
                Map.of(
                    "namespaceSelector",
                    Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "monitoring")))));
    List<Map<String, Object>> withPeers =
        Charts.render(
            Charts.TRAINING,
            null,
            Map.of(
                "serve.enabled", true,
                "serve.networkPolicy.monitoringNamespace", "monitoring",
                "serve.networkPolicy.allowFrom[0].podSelector.matchLabels.app", "web"));
    assertThat(Charts.at(Charts.ofKind(withPeers, "ModelServer").get(0), "spec", "networkPolicy"))
        .asString()
        .contains("app=web", "kubernetes.io/metadata.name=monitoring");
  }
}
