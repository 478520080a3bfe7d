package dev.kiln.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A Kiln resource whose spec or status has a value of the wrong JSON type still reads, with the
 * problem named and the JSON kept as stored; a readable one reads as before.
 */
class TolerantReaderTest {

  private static TrainingJob trainingJob(String spec) {
    return Serialization.unmarshal(
        """
        {"apiVersion": "kiln.dev/v1alpha1", "kind": "TrainingJob",
         "metadata": {"name": "tj", "namespace": "ns", "resourceVersion": "7"},
         "spec": %s,
         "status": {"phase": "Pending"}}
        """
            .formatted(spec),
        TrainingJob.class);
  }

  private static String problem(String spec) {
    Unreadable unreadable = trainingJob(spec).getSpec().getUnreadable();
    assertThat(unreadable).as(spec).isNotNull();
    return unreadable.problem();
  }

  @Test
  void aWrongTypeNamesTheFieldTheValueAndWhatWasExpected() {
    assertThat(problem("{\"image\": \"i\", \"workers\": \"many\"}"))
        .isEqualTo("spec.workers: Invalid value: \"many\": must be an integer");
    assertThat(problem("{\"image\": {\"name\": \"i\"}}"))
        .isEqualTo("spec.image: Invalid value: an object: must be a string");
    assertThat(problem("{\"image\": \"i\", \"command\": \"python train.py\"}"))
        .isEqualTo("spec.command: Invalid value: \"python train.py\": must be a list");
    assertThat(problem("{\"image\": \"i\", \"dataset\": [\"a\"]}"))
        .isEqualTo("spec.dataset: Invalid value: a list: must be an object");
    assertThat(problem("{\"image\": \"i\", \"suspend\": \"maybe\"}"))
        .isEqualTo("spec.suspend: Invalid value: \"maybe\": must be true or false");
    assertThat(problem("{\"image\": \"i\", \"pod\": {\"securityLevel\": \"open\"}}"))
        .isEqualTo(
            "spec.pod.securityLevel: Invalid value: \"open\": must be one of restricted, baseline");
    assertThat(problem("{\"image\": \"i\", \"env\": [{\"name\": \"A\"}, {\"name\": [1]}]}"))
        .isEqualTo("spec.env[1].name: Invalid value: a list: must be a string");
    assertThat(problem("{\"image\": \"i\", \"workers\": 99999999999}"))
        .isEqualTo("spec.workers: Invalid value: 99999999999: out of range for an integer");
  }

  @Test
  void theRestOfTheObjectReadsAndTheSpecWritesBackAsStored() {
    TrainingJob tj = trainingJob("{\"image\": \"i\", \"workers\": \"many\", \"x\": {\"y\": 1}}");

    assertThat(tj.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(tj.getStatus().getPhase()).isEqualTo(TrainingJobPhase.Pending);
    assertThat(tj.getSpec().getImage()).as("no half-read spec").isNull();
    @SuppressWarnings("unchecked")
    Map<String, Object> written =
        (Map<String, Object>)
            Serialization.unmarshal(Serialization.asJson(tj), Map.class).get("spec");
    assertThat(written).isEqualTo(Map.of("image", "i", "workers", "many", "x", Map.of("y", 1)));
    // A copy (JOSDK clones the primary through JSON) is unreadable the same way.
    assertThat(Serialization.clone(tj).getSpec().getUnreadable())
        .isEqualTo(tj.getSpec().getUnreadable());
  }

  @Test
  void aModelServerReadsTheSameWay() {
    ModelServer ms =
        Serialization.unmarshal(
            """
            {"apiVersion": "kiln.dev/v1alpha1", "kind": "ModelServer",
             "metadata": {"name": "ms", "namespace": "ns"},
             "spec": {"model": {"uri": "s3://m/model.onnx"}, "replicas": "two"}}
            """,
            ModelServer.class);

    assertThat(ms.getSpec().getUnreadable().problem())
        .isEqualTo("spec.replicas: Invalid value: \"two\": must be an integer");
  }

  @Test
  void aReadableSpecIsUnchangedUnknownFieldsIncluded() {
    TrainingJob tj = trainingJob("{\"image\": \"i\", \"workers\": 2, \"gpuSharing\": \"on\"}");

    assertThat(tj.getSpec().getUnreadable()).isNull();
    assertThat(tj.getSpec().getWorkers()).isEqualTo(2);
    assertThat(Serialization.asJson(tj.getSpec())).isEqualTo("{\"image\":\"i\",\"workers\":2}");
  }

  private static TrainingJob withStatus(String status) {
    return Serialization.unmarshal(
        """
        {"apiVersion": "kiln.dev/v1alpha1", "kind": "TrainingJob",
         "metadata": {"name": "tj", "namespace": "ns"},
         "spec": {"image": "i"},
         "status": %s}
        """
            .formatted(status),
        TrainingJob.class);
  }

  private static String statusProblem(String status) {
    Unreadable unreadable = withStatus(status).getStatus().getUnreadable();
    assertThat(unreadable).as(status).isNotNull();
    return unreadable.problem();
  }

  @Test
  void aStatusOfTheWrongShapeNamesItsFieldToo() {
    assertThat(statusProblem("{\"phase\": \"Running\", \"attempts\": \"many\"}"))
        .isEqualTo("status.attempts: Invalid value: \"many\": must be an integer");
    assertThat(statusProblem("{\"conditions\": \"x\"}"))
        .isEqualTo("status.conditions: Invalid value: \"x\": must be a list");
    assertThat(statusProblem("{\"phase\": \"Sleeping\"}"))
        .startsWith("status.phase: Invalid value: \"Sleeping\": must be one of Pending,");
    assertThat(statusProblem("{\"progress\": {\"step\": {\"n\": 1}}}"))
        .isEqualTo("status.progress.step: Invalid value: an object: must be an integer");
    assertThat(statusProblem("{\"phase\": 7}"))
        .startsWith("status.phase: Invalid value: 7: must be one of Pending,");
    assertThat(statusProblem("\"broken\""))
        .isEqualTo("status: Invalid value: \"broken\": must be an object");
  }

  @Test
  void anUnreadableStatusWritesBackAsStoredAndStaysUnreadableInACopy() {
    String stored = "{\"phase\":\"Running\",\"attempts\":\"many\",\"x\":{\"y\":[1,2.5,true,null]}}";
    TrainingJob tj = withStatus(stored);

    assertThat(tj.getSpec().getImage()).isEqualTo("i");
    assertThat(tj.getStatus().getPhase()).as("no half-read status").isNull();
    assertThat(ReadTolerantly.isUnreadable(tj.getStatus())).isTrue();
    String json = Serialization.asJson(tj);
    assertThat(json).contains("\"status\":" + stored);
    TrainingJob copy = Serialization.clone(tj);
    assertThat(copy.getStatus().getUnreadable()).isEqualTo(tj.getStatus().getUnreadable());
    assertThat(Serialization.asJson(copy)).isEqualTo(json);
    // Not even a scalar is lost.
    assertThat(Serialization.asJson(withStatus("7"))).contains("\"status\":7");
  }

  @Test
  void aModelServersStatusReadsTheSameWay() {
    ModelServer ms =
        Serialization.unmarshal(
            """
            {"apiVersion": "kiln.dev/v1alpha1", "kind": "ModelServer",
             "metadata": {"name": "ms", "namespace": "ns"},
             "spec": {"model": {"uri": "s3://m/model.onnx"}},
             "status": {"readyReplicas": "all", "url": "http://ms"}}
            """,
            ModelServer.class);

    assertThat(ms.getSpec().getUnreadable()).isNull();
    assertThat(ms.getStatus().getUnreadable().problem())
        .isEqualTo("status.readyReplicas: Invalid value: \"all\": must be an integer");
    assertThat(Serialization.asJson(ms))
        .contains("\"status\":{\"readyReplicas\":\"all\",\"url\":\"http://ms\"}");
  }

  @Test
  void aReadableStatusIsUnchangedUnknownFieldsIncluded() {
    TrainingJob tj = withStatus("{\"phase\": \"Running\", \"attempts\": 2, \"by\": \"tool\"}");

    assertThat(ReadTolerantly.isUnreadable(tj.getStatus())).isFalse();
    assertThat(tj.getStatus().getAttempts()).isEqualTo(2);
    assertThat(tj.getStatus().unknownFields()).containsEntry("by", "tool");
  }
}
