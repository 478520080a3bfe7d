package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.Failure;
import dev.kiln.api.v1alpha1.ModelServerConditions;
import dev.kiln.api.v1alpha1.ServerHealth;
import dev.kiln.operator.support.Failures;
import dev.kiln.operator.support.Times;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the Deployment and its pods show: replicas wanted and ready, the roll-out, why new pods do
 * not become ready, and when to look again because a readiness deadline is still ahead. Pure.
 */
record ServingState(
    int desired,
    int ready,
    Rollout rollout,
    Optional<Failure> podFailure,
    Optional<Duration> recheckAfter) {

  static ServingState observe(
      Deployment d, List<Pod> pods, Instant now, Duration readinessDeadline) {
    int desired = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
    int ready = d.getStatus() == null ? 0 : Failures.orZero(d.getStatus().getReadyReplicas());
    Rollout rollout = Rollout.of(d, desired);
    ServerPodFailures.Finding finding =
        ServerPodFailures.find(currentPods(d, pods), now, readinessDeadline, readinessPath(d));
    Optional<Failure> podFailure =
        finding
            .failure()
            .or(
                () ->
                    rollout.deadlineExceeded()
                        ? Optional.of(
                            Failures.of(
                                ModelServerConditions.PROGRESS_DEADLINE_EXCEEDED,
                                rollout.message()))
                        : Optional.empty());
    Optional<Duration> recheck = finding.recheckAt().map(at -> Times.waitUntil(now, at));
    return new ServingState(desired, ready, rollout, podFailure, recheck);
  }

  /** The path the server's readiness probe asks, for the message when it never passes. */
  static String readinessPath(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(c -> ModelServerNames.SERVER.equals(c.getName()))
        .map(c -> c.getReadinessProbe())
        .filter(p -> p != null && p.getHttpGet() != null && p.getHttpGet().getPath() != null)
        .map(p -> p.getHttpGet().getPath())
        .findFirst()
        .orElse(ServerHealth.DEFAULT_READINESS_PATH);
  }

  /** Pods of the Deployment's current template: during a roll-out, the new ones. */
  static List<Pod> currentPods(Deployment d, List<Pod> pods) {
    Map<String, String> annotations = d.getSpec().getTemplate().getMetadata().getAnnotations();
    String hash =
        annotations == null ? null : annotations.get(ServerDeploymentBuilder.TEMPLATE_HASH);
    if (hash == null) {
      return pods;
    }
    return pods.stream()
        .filter(
            p ->
                p.getMetadata().getAnnotations() == null
                    || hash.equals(
                        p.getMetadata()
                            .getAnnotations()
                            .get(ServerDeploymentBuilder.TEMPLATE_HASH)))
        .toList();
  }
}
