package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the kubelet reports of one pod besides its containers: phase, address, start time and
 * conditions, and the PodStatus built from them.
 */
final class PodState {
  private final Map<String, PodCondition> conditions = new LinkedHashMap<>();
  String phase = "Pending";
  String ip;
  String startTime;

  /** Sets a condition; one that already says this keeps its transition time. */
  void condition(String type, boolean status, String reason, String message, Instant now) {
    PodCondition old = conditions.get(type);
    String value = status ? "True" : "False";
    if (old != null
        && old.getStatus().equals(value)
        && Objects.equals(old.getReason(), reason)
        && Objects.equals(old.getMessage(), message)) {
      return;
    }
    conditions.put(
        type,
        new PodConditionBuilder()
            .withType(type)
            .withStatus(value)
            .withReason(reason)
            .withMessage(message)
            .withLastTransitionTime(Kubelet.format(now))
            .build());
  }

  /** The pod's status with these init containers' (none: left out) and containers' statuses. */
  PodStatus status(List<ContainerStatus> init, List<ContainerStatus> main) {
    PodStatus status = new PodStatus();
    status.setPhase(phase);
    status.setHostIP("127.0.0.1");
    status.setPodIP(ip);
    status.setPodIPs(List.of(new PodIPBuilder().withIp(ip).build()));
    status.setStartTime(startTime);
    status.setQosClass("BestEffort");
    status.setConditions(new ArrayList<>(conditions.values()));
    if (!init.isEmpty()) {
      status.setInitContainerStatuses(init);
    }
    status.setContainerStatuses(main);
    return status;
  }
}
