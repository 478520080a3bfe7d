package dev.kiln.operator.support;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits core/v1 Events on Kiln's resources, so `kubectl describe` tells the story. Events are best
 * effort: a failure to record one is logged and never fails a reconcile.
 */
public class EventRecorder {
  public static final String NORMAL = "Normal";
  public static final String WARNING = "Warning";
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

  private final KubernetesClient client;
  private final Clock clock;
  private final String reportingInstance;

  public EventRecorder(KubernetesClient client, Clock clock, String reportingInstance) {
    this.client = client;
    this.clock = clock;
    this.reportingInstance = reportingInstance;
  }

  public void normal(HasMetadata on, String reason, String message) {
    record(on, NORMAL, reason, message);
  }

  public void warning(HasMetadata on, String reason, String message) {
    record(on, WARNING, reason, message);
  }

  private void record(HasMetadata on, String type, String reason, String message) {
    String now = Times.format(clock.instant());
    String name =
        on.getMetadata().getName()
            + "."
            + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(on.getMetadata().getNamespace())
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(on.getApiVersion())
            .withKind(on.getKind())
            .withName(on.getMetadata().getName())
            .withNamespace(on.getMetadata().getNamespace())
            .withUid(on.getMetadata().getUid())
            .withResourceVersion(on.getMetadata().getResourceVersion())
            .endInvolvedObject()
            .withType(type)
            .withReason(reason)
            .withMessage(message == null ? "" : Scrubber.scrub(message))
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(KilnLabels.MANAGER)
            .endSource()
            .withReportingComponent(KilnLabels.KILN + KilnLabels.MANAGER)
            .withReportingInstance(reportingInstance)
            .build();
    try {
      client.v1().events().inNamespace(on.getMetadata().getNamespace()).resource(event).create();
      // Never the message: it may quote a container's output. The status has it.
      log.info("{} {}: see the status of {}", type, reason, on.getMetadata().getName());
    } catch (RuntimeException e) {
      log.warn("could not record event {} {}: {}", type, reason, e.getMessage());
    }
  }
}
