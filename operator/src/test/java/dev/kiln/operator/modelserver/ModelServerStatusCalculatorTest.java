package dev.kiln.operator.modelserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerPhase;
import dev.kiln.api.v1alpha1.ModelServerStatus;
import dev.kiln.operator.modelserver.ModelServerStatusCalculator.Observed;
import dev.kiln.operator.modelserver.ModelServerStatusCalculator.Outcome;
import dev.kiln.operator.support.Times;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The status a user sees for each situation of the model, the Deployment and its pods. */
class ModelServerStatusCalculatorTest {
  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  static final ModelResolution RESOLVED =
      ModelResolution.resolved(ModelServers.pvcModel(), "Serving the model of TrainingJob iris");
  static final ModelResolution WAITING =
      ModelResolution.waiting(
          "WaitingForTrainingJob", "waiting for TrainingJob iris to succeed (phase Running)");
  static final ModelResolution NOT_FOUND =
      ModelResolution.failed("TrainingJobNotFound", "TrainingJob iris does not exist");
  static final ModelResolution JOB_FAILED =
      ModelResolution.failed("TrainingJobFailed", "TrainingJob iris-2 failed (OOMKilled)");

  final ModelServerStatusCalculator calculator =
      new ModelServerStatusCalculator(Duration.ofMinutes(10));

  /** A ModelServer's Deployment as built, with the given status. */
  static Deployment deployment(
      int desired, long generation, long observed, int updated, int ready) {
    ModelServer ms = ModelServers.fromJob("iris", "iris");
    ms.getSpec().setReplicas(desired);
    Deployment d = ServerDeploymentBuilderTest.build(ms, ModelServers.pvcModel());
    d.getMetadata().setGeneration(generation);
    d.setStatus(
        new DeploymentStatusBuilder()
            .withObservedGeneration(observed)
            .withReplicas(Math.max(updated, ready))
            .withUpdatedReplicas(updated)
            .withReadyReplicas(ready)
            .withAvailableReplicas(Math.min(ready, updated))
            .build());
    return d;
  }

  /** During a roll-out: the old pods (of another template) are all ready, new ones are not. */
  static Deployment rollingOut(int desired, int oldReady) {
    Deployment d = deployment(desired, 2, 2, 1, oldReady);
    d.getStatus().setReplicas(desired + 1);
    d.getStatus().setAvailableReplicas(oldReady);
    return d;
  }

  static Pod pod(String name, Deployment d, ContainerStatus server, boolean ready) {
    Map<String, String> annotations = d.getSpec().getTemplate().getMetadata().getAnnotations();
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withAnnotations(annotations)
        .withCreationTimestamp(Times.format(T0))
        .endMetadata()
        .withNewStatus()
        .withPhase("Running")
        .withConditions(
            new PodConditionBuilder()
                .withType("Ready")
                .withStatus(ready ? "True" : "False")
                .build())
        .withContainerStatuses(server)
        .endStatus()
        .build();
  }

  static Pod oldPod(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withAnnotations(Map.of(ServerDeploymentBuilder.TEMPLATE_HASH, "old"))
        .endMetadata()
        .withNewStatus()
        .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True").build())
        .withContainerStatuses(running(true))
        .endStatus()
        .build();
  }

  static ContainerStatus running(boolean ready) {
    return new ContainerStatusBuilder()
        .withName("server")
        .withReady(ready)
        .withNewState()
        .withNewRunning()
        .withStartedAt(Times.format(T0))
        .endRunning()
        .endState()
        .build();
  }

  static ContainerStatus waiting(
      String container, String reason, Integer lastExit, String lastReason) {
    ContainerStatusBuilder b =
        new ContainerStatusBuilder()
            .withName(container)
            .withImage("registry.example/nope:1")
            .withRestartCount(lastExit == null ? 0 : 4)
            .withNewState()
            .withNewWaiting()
            .withReason(reason)
            .endWaiting()
            .endState();
    if (lastExit != null) {
      b.withNewLastState()
          .withNewTerminated()
          .withExitCode(lastExit)
          .withReason(lastReason)
          .withMessage("loading model\nerror: model.onnx is not a valid ONNX file")
          .endTerminated()
          .endLastState();
    }
    return b.build();
  }

  static Pod unschedulable(String name, Deployment d) {
    Pod p = pod(name, d, running(false), false);
    p.getStatus().setContainerStatuses(List.of());
    p.getStatus()
        .setConditions(
            List.of(
                new PodConditionBuilder()
                    .withType("PodScheduled")
                    .withStatus("False")
                    .withReason("Unschedulable")
                    .withMessage("0/3 nodes are available: 3 Insufficient nvidia.com/gpu.")
                    .build()));
    return p;
  }

  static Stream<Arguments> situations() {
    Deployment fresh = deployment(1, 1, 0, 0, 0);
    Deployment starting = deployment(1, 1, 1, 1, 0);
    Deployment done = deployment(1, 1, 1, 1, 1);
    Deployment twoDone = deployment(2, 1, 1, 2, 2);
    Deployment oneOfTwo = deployment(2, 1, 1, 2, 1);
    Deployment rolling = rollingOut(2, 2);
    return Stream.of(
        row(
            "waiting for the TrainingJob",
            WAITING,
            null,
            List.of(),
            T0,
            ModelServerPhase.Pending,
            "False",
            "WaitingForTrainingJob",
            "Pending",
            null),
        row(
            "referenced TrainingJob missing",
            NOT_FOUND,
            null,
            List.of(),
            T0,
            ModelServerPhase.Failed,
            "False",
            "TrainingJobNotFound",
            "TrainingJobNotFound",
            "TrainingJobNotFound"),
        row(
            "Deployment just created",
            RESOLVED,
            fresh,
            List.of(),
            T0,
            ModelServerPhase.Loading,
            "True",
            "Resolved",
            "Loading",
            null),
        row(
            "pod loading the model",
            RESOLVED,
            starting,
            List.of(pod("p1", starting, running(false), false)),
            T0.plusSeconds(60),
            ModelServerPhase.Loading,
            "True",
            "Resolved",
            "Loading",
            null),
        row(
            "readiness never passes",
            RESOLVED,
            starting,
            List.of(pod("p1", starting, running(false), false)),
            T0.plusSeconds(601),
            ModelServerPhase.Failed,
            "True",
            "Resolved",
            "ReadinessTimeout",
            "ReadinessTimeout"),
        row(
            "image cannot be pulled",
            RESOLVED,
            starting,
            List.of(pod("p1", starting, waiting("server", "ImagePullBackOff", null, null), false)),
            T0.plusSeconds(30),
            ModelServerPhase.Failed,
            "True",
            "Resolved",
            "ImagePullBackOff",
            "ImagePullBackOff"),
        row(
            "image name wrong",
            RESOLVED,
            starting,
            List.of(pod("p1", starting, waiting("server", "ErrImagePull", null, null), false)),
            T0.plusSeconds(30),
            ModelServerPhase.Failed,
            "True",
            "Resolved",
            "ErrImagePull",
            "ErrImagePull"),
        row(
            "server crash-looping",
            RESOLVED,
            starting,
            List.of(pod("p1", starting, waiting("server", "CrashLoopBackOff", 1, "Error"), false)),
            T0.plusSeconds(30),
            ModelServerPhase.Failed,
            "True",
            "Resolved",
            "CrashLoopBackOff",
            "CrashLoopBackOff"),
        row(
            "server out of memory",
            RESOLVED,
            starting,
            List.of(
                pod(
                    "p1",
                    starting,
                    waiting("server", "CrashLoopBackOff", 137, "OOMKilled"),
                    false)),
            T0.plusSeconds(30),
            ModelServerPhase.Failed,
            "True",
            "Resolved",
            "OOMKilled",
            "OOMKilled"),
        row(
            "model download crash-looping",
            RESOLVED,
            starting,
            List.of(
                pod("p1", starting, waiting("fetch-model", "CrashLoopBackOff", 2, "Error"), false)),
            T0.plusSeconds(30),
            ModelServerPhase.Failed,
            "True",
            "Resolved",
            "CrashLoopBackOff",
            "CrashLoopBackOff"),
        row(
            "no node fits",
            RESOLVED,
            starting,
            List.of(unschedulable("p1", starting)),
            T0.plusSeconds(30),
            ModelServerPhase.Failed,
            "True",
            "Resolved",
            "Unschedulable",
            "Unschedulable"),
        row(
            "all replicas ready",
            RESOLVED,
            done,
            List.of(pod("p1", done, running(true), true)),
            T0.plusSeconds(60),
            ModelServerPhase.Ready,
            "True",
            "Resolved",
            "Ready",
            null),
        row(
            "two of two ready",
            RESOLVED,
            twoDone,
            List.of(
                pod("p1", twoDone, running(true), true), pod("p2", twoDone, running(true), true)),
            T0.plusSeconds(60),
            ModelServerPhase.Ready,
            "True",
            "Resolved",
            "Ready",
            null),
        row(
            "one of two ready",
            RESOLVED,
            oneOfTwo,
            List.of(
                pod("p1", oneOfTwo, running(true), true),
                pod("p2", oneOfTwo, running(false), false)),
            T0.plusSeconds(60),
            ModelServerPhase.Degraded,
            "True",
            "Resolved",
            "ReplicasNotReady",
            null),
        row(
            "one of two ready, the other crash-looping",
            RESOLVED,
            oneOfTwo,
            List.of(
                pod("p1", oneOfTwo, running(true), true),
                pod("p2", oneOfTwo, waiting("server", "CrashLoopBackOff", 1, "Error"), false)),
            T0.plusSeconds(60),
            ModelServerPhase.Degraded,
            "True",
            "Resolved",
            "CrashLoopBackOff",
            "CrashLoopBackOff"),
        row(
            "rolling out, the old model serves",
            RESOLVED,
            rolling,
            List.of(oldPod("o1"), oldPod("o2"), pod("n1", rolling, running(false), false)),
            T0.plusSeconds(60),
            ModelServerPhase.Ready,
            "True",
            "Resolved",
            "Ready",
            null),
        row(
            "rolling out, the new model crash-loops",
            RESOLVED,
            rolling,
            List.of(
                oldPod("o1"),
                oldPod("o2"),
                pod("n1", rolling, waiting("server", "CrashLoopBackOff", 3, "Error"), false)),
            T0.plusSeconds(60),
            ModelServerPhase.Degraded,
            "True",
            "Resolved",
            "CrashLoopBackOff",
            "CrashLoopBackOff"),
        row(
            "serving, the new TrainingJob failed",
            JOB_FAILED,
            done,
            List.of(pod("p1", done, running(true), true)),
            T0.plusSeconds(60),
            ModelServerPhase.Degraded,
            "False",
            "TrainingJobFailed",
            "TrainingJobFailed",
            "TrainingJobFailed"),
        row(
            "serving, waiting for the next TrainingJob",
            WAITING,
            done,
            List.of(pod("p1", done, running(true), true)),
            T0.plusSeconds(60),
            ModelServerPhase.Ready,
            "False",
            "WaitingForTrainingJob",
            "Ready",
            null));
  }

  @SuppressWarnings("checkstyle:ParameterNumber")
  static Arguments row(
      String situation,
      ModelResolution resolution,
      Deployment deployment,
      List<Pod> pods,
      Instant now,
      ModelServerPhase phase,
      String resolvedStatus,
      String resolvedReason,
      String readyReason,
      String failureReason) {
    return Arguments.of(
        situation,
        resolution,
        deployment,
        pods,
        now,
        phase,
        resolvedStatus,
        resolvedReason,
        readyReason,
        failureReason);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("situations")
  void situation(
      String situation,
      ModelResolution resolution,
      Deployment deployment,
      List<Pod> pods,
      Instant now,
      ModelServerPhase phase,
      String resolvedStatus,
      String resolvedReason,
      String readyReason,
      String failureReason) {
    ModelServer ms = ModelServers.fromJob("iris", "iris");
    ModelServerStatus s =
        calculator
            .calculate(
                new Observed(ms, List.of(), resolution, deployment, deployment != null, pods, now))
            .status();
    assertThat(s.getPhase()).isEqualTo(phase);
    assertThat(condition(s, "ModelResolved").getStatus()).isEqualTo(resolvedStatus);
    assertThat(condition(s, "ModelResolved").getReason()).isEqualTo(resolvedReason);
    assertThat(condition(s, "Ready").getReason()).isEqualTo(readyReason);
    assertThat(condition(s, "Ready").getStatus())
        .isEqualTo(phase == ModelServerPhase.Ready ? "True" : "False");
    if (failureReason == null) {
      assertThat(s.getFailure()).isNull();
    } else {
      assertThat(s.getFailure().getReason()).isEqualTo(failureReason);
    }
    assertThat(s.getConditions())
        .extracting(Condition::getType)
        .containsExactly("ModelResolved", "Available", "Progressing", "Ready");
    assertThat(s.getObservedGeneration()).isEqualTo(1L);
  }

  @Test
  void readyReportsTheUrlReplicasAndTheServedModel() {
    Deployment d = deployment(2, 1, 1, 2, 2);
    ModelServerStatus s = calculate(RESOLVED, d, List.of(), T0);
    assertThat(s.getUrl()).isEqualTo("http://iris.team-a.svc.cluster.local:8080");
    assertThat(s.getGrpcAddress()).isEqualTo("iris.team-a.svc.cluster.local:8081");
    assertThat(s.getReplicas()).isEqualTo(2);
    assertThat(s.getReadyReplicas()).isEqualTo(2);
    assertThat(s.getModel()).isEqualTo(ModelServers.pvcModel());
    assertThat(condition(s, "Available").getStatus()).isEqualTo("True");
    assertThat(condition(s, "Progressing").getStatus()).isEqualTo("False");
    assertThat(condition(s, "Progressing").getReason()).isEqualTo("RolloutComplete");
  }

  @Test
  void aRollOutIsProgressingUntilTheNewPodsAreReady() {
    ModelServerStatus s = calculate(RESOLVED, rollingOut(1, 1), List.of(oldPod("o1")), T0);
    assertThat(condition(s, "Progressing").getStatus()).isEqualTo("True");
    assertThat(condition(s, "Progressing").getReason()).isEqualTo("RollingOut");
    ModelServerStatus waitingForController =
        calculate(RESOLVED, deployment(1, 2, 1, 1, 1), List.of(), T0);
    assertThat(condition(waitingForController, "Progressing").getReason()).isEqualTo("RollingOut");
  }

  @Test
  void crashLoopReportsTheContainerAndItsLastExitCode() {
    Deployment d = deployment(1, 1, 1, 1, 0);
    ModelServerStatus s =
        calculate(
            RESOLVED,
            d,
            List.of(pod("p1", d, waiting("server", "CrashLoopBackOff", 3, "Error"), false)),
            T0);
    assertThat(s.getFailure().getExitCode()).isEqualTo(3);
    assertThat(s.getFailure().getContainer()).isEqualTo("server");
    assertThat(s.getFailure().getPod()).isEqualTo("p1");
    assertThat(s.getFailure().getMessage())
        .contains("exit code 3")
        .contains("error: model.onnx is not a valid ONNX file");
  }

  @Test
  void waitsForTheReadinessDeadlineAndLooksAgainThen() {
    Deployment d = deployment(1, 1, 1, 1, 0);
    Outcome o =
        calculator.calculate(
            new Observed(
                ModelServers.fromJob("iris", "iris"),
                List.of(),
                RESOLVED,
                d,
                true,
                List.of(pod("p1", d, running(false), false)),
                T0.plusSeconds(60)));
    assertThat(o.recheckAfter()).contains(Duration.ofSeconds(541));
  }

  @Test
  void anInvalidSpecFailsNamingTheField() {
    ModelServer ms = ModelServers.fromJob("iris", "iris");
    ModelServerStatus s =
        calculator
            .calculate(
                new Observed(
                    ms,
                    List.of("spec.port must be 1-65535"),
                    ModelResolution.failed("InvalidSpec", "spec.port must be 1-65535"),
                    null,
                    false,
                    List.of(),
                    T0))
            .status();
    assertThat(s.getPhase()).isEqualTo(ModelServerPhase.Failed);
    assertThat(s.getFailure().getReason()).isEqualTo("InvalidSpec");
    assertThat(s.getFailure().getMessage()).contains("spec.port");
  }

  @Test
  void lastTransitionTimeMovesOnlyWhenAConditionFlips() {
    Deployment d = deployment(1, 1, 1, 1, 0);
    ModelServer ms = ModelServers.fromJob("iris", "iris");
    ModelServerStatus first =
        calculator
            .calculate(new Observed(ms, List.of(), RESOLVED, d, true, List.of(), T0))
            .status();
    ms.setStatus(first);
    ModelServerStatus same =
        calculator
            .calculate(
                new Observed(ms, List.of(), RESOLVED, d, true, List.of(), T0.plusSeconds(30)))
            .status();
    assertThat(same).isEqualTo(first);
    ms.setStatus(same);
    ModelServerStatus ready =
        calculator
            .calculate(
                new Observed(
                    ms,
                    List.of(),
                    RESOLVED,
                    deployment(1, 1, 1, 1, 1),
                    true,
                    List.of(),
                    T0.plusSeconds(60)))
            .status();
    assertThat(condition(ready, "ModelResolved").getLastTransitionTime())
        .isEqualTo(Times.format(T0));
    assertThat(condition(ready, "Ready").getLastTransitionTime())
        .isEqualTo(Times.format(T0.plusSeconds(60)));
  }

  @Test
  void whileWaitingForANewModelTheServedModelIsKept() {
    ModelServer ms = ModelServers.fromJob("iris", "iris");
    ModelServerStatus previous = new ModelServerStatus();
    previous.setModel(ModelServers.pvcModel());
    ms.setStatus(previous);
    ModelServerStatus s =
        calculator
            .calculate(
                new Observed(
                    ms, List.of(), WAITING, deployment(1, 1, 1, 1, 1), true, new ArrayList<>(), T0))
            .status();
    assertThat(s.getModel()).isEqualTo(ModelServers.pvcModel());
    assertThat(condition(s, "Progressing").getReason()).isEqualTo("WaitingForModel");
  }

  private ModelServerStatus calculate(
      ModelResolution resolution, Deployment d, List<Pod> pods, Instant now) {
    return calculator
        .calculate(
            new Observed(
                ModelServers.fromJob("iris", "iris"), List.of(), resolution, d, true, pods, now))
        .status();
  }

  static Condition condition(ModelServerStatus s, String type) {
    return s.getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow();
  }
}
