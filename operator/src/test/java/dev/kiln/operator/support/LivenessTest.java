package dev.kiln.operator.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.health.EventSourceHealthIndicator;
import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import io.javaoperatorsdk.operator.health.InformerWrappingEventSourceHealthIndicator;
import io.javaoperatorsdk.operator.health.Status;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class LivenessTest {
  @Test
  void anInformerReconnectingItsWatchKeepsTheOperatorLive() {
    assertThat(Liveness.informersRunning(Map.of())).isTrue();
    assertThat(Liveness.informersRunning(unhealthy(informer(true, false)))).isTrue();
  }

  @Test
  void aStoppedInformerOrAnotherUnhealthySourceDoesNot() {
    assertThat(Liveness.informersRunning(unhealthy(informer(false, false)))).isFalse();
    EventSourceHealthIndicator timer = () -> Status.UNHEALTHY;
    assertThat(Liveness.informersRunning(unhealthy(timer))).isFalse();
  }

  @Test
  void liveUntilInformersThatRanStopAndNeverAfterAFailedStart() {
    AtomicBoolean running = new AtomicBoolean();
    Liveness live = new Liveness(running::get);
    assertThat(live.getAsBoolean()).as("standing by, nothing started yet").isTrue();
    running.set(true);
    assertThat(live.getAsBoolean()).isTrue();
    running.set(false);
    assertThat(live.getAsBoolean()).as("stopped after running").isFalse();

    Liveness failed = new Liveness(() -> true);
    failed.startFailed();
    assertThat(failed.getAsBoolean()).isFalse();
  }

  private static Map<String, Map<String, EventSourceHealthIndicator>> unhealthy(
      EventSourceHealthIndicator source) {
    return Map.of("trainingjob", Map.of("source", source));
  }

  private static InformerWrappingEventSourceHealthIndicator<HasMetadata> informer(
      boolean running, boolean watching) {
    InformerHealthIndicator one =
        new InformerHealthIndicator() {
          @Override
          public boolean hasSynced() {
            return true;
          }

          @Override
          public boolean isWatching() {
            return watching;
          }

          @Override
          public boolean isRunning() {
            return running;
          }

          @Override
          public Status getStatus() {
            return running && watching ? Status.HEALTHY : Status.UNHEALTHY;
          }

          @Override
          public String getTargetNamespace() {
            return "team-a";
          }
        };
    return () -> Map.of("team-a", one);
  }
}
