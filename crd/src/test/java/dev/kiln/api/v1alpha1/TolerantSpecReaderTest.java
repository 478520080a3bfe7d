package dev.kiln.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A Kiln resource whose spec has a value of the wrong JSON type still reads, with the problem named
 * and the spec kept as stored; a readable spec reads as before.
 */
class TolerantSpecReaderTest {

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
    UnreadableSpec unreadable = trainingJob(spec).getSpec().getUnreadable();
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
}
