package dev.kiln.operator.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnreadableStatusTest {
  private final List<String> warnings = new ArrayList<>();
  private final UnreadableStatus unreadable =
      new UnreadableStatus(
          new EventRecorder(null, Clock.systemUTC(), "test") {
            @Override
            public void warning(HasMetadata on, String reason, String message) {
              warnings.add(reason + ": " + message);
            }
          });

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

  private boolean leaveAlone(TrainingJob tj) {
    return unreadable.leaveAlone(tj, tj.getStatus());
  }

  @Test
  void anUnreadableStatusIsLeftAloneAndReportedOncePerProblem() {
    TrainingJob many = withStatus("{\"attempts\": \"many\"}");

    assertThat(leaveAlone(many)).isTrue();
    assertThat(leaveAlone(Serialization.clone(many))).as("every reconcile").isTrue();
    assertThat(warnings)
        .singleElement()
        .asString()
        .startsWith(
            "StatusUnreadable: status.attempts: Invalid value: \"many\": must be an integer.");

    // Another problem is news; so is the same problem after the status was readable.
    assertThat(leaveAlone(withStatus("{\"phase\": 7}"))).isTrue();
    assertThat(leaveAlone(withStatus("{\"attempts\": 1}"))).isFalse();
    assertThat(leaveAlone(many)).isTrue();
    assertThat(warnings).hasSize(3);
  }

  @Test
  void aReadableOrMissingStatusIsReconciled() {
    TrainingJob none = withStatus("null");
    TrainingJob readable = withStatus("{\"phase\": \"Running\", \"by\": \"tool\"}");

    assertThat(none.getStatus()).isNull();
    assertThat(leaveAlone(none)).isFalse();
    assertThat(leaveAlone(readable)).isFalse();
    assertThat(unreadable.leaveAlone(readable, new TrainingJobStatus())).isFalse();
    assertThat(warnings).isEmpty();
  }
}
