package dev.kiln.operator.trainingjob;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.Observed;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.Outcome;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever the spec, the Job and the pods say, the status calculator returns a status: a throw
 * would fail that run's every reconcile (a retry storm) and leave it without a status.
 */
class TrainingJobStatusPropertiesTest {
  private static final Instant T0 = TrainingJobStatusCalculatorTest.T0;
  private final TrainingJobStatusCalculator calculator =
      new TrainingJobStatusCalculator(Duration.ofMinutes(10));

  @Property(tries = 400)
  void neverThrowsAndAsksForAWaitThatFitsInMillis(
      @ForAll("seconds") Long startup,
      @ForAll("seconds") Long progress,
      @ForAll("seconds") Long ttl,
      @ForAll("jobs") Job job,
      @ForAll("jobs") Job inspect,
      @ForAll("pods") List<Pod> pods,
      @ForAll("offsets") long nowOffset) {
    TrainingJob tj = TrainingJobStatusCalculatorTest.trainingJob();
    tj.getSpec().setStartupDeadlineSeconds(startup);
    tj.getSpec().setProgressDeadlineSeconds(progress);
    tj.getSpec().setTtlSecondsAfterFinished(ttl);
    Instant now = T0.plusSeconds(nowOffset);

    if (inspect != null) {
      inspect.getMetadata().setName("iris-inspect");
      inspect.getMetadata().setUid(Inspections.INSPECT_UID);
    }
    Outcome first =
        calculator.calculate(new Observed(tj, List.of(), job, pods, now, null, inspect, null));
    tj.setStatus(first.status());
    Outcome later =
        calculator.calculate(
            new Observed(tj, List.of(), job, pods, now.plusSeconds(3600), null, inspect, null));

    assertThat(later.status().getPhase()).isNotNull();
    for (Outcome o : List.of(first, later)) {
      o.recheckAfter().ifPresent(wait -> assertThat(wait.toMillis()).isPositive());
    }
  }

  @Provide
  Arbitrary<Long> seconds() {
    return Arbitraries.oneOf(
        Arbitraries.longs(),
        Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE, 0L, 1L, 31_536_000L),
        Arbitraries.just((Long) null));
  }

  @Provide
  Arbitrary<Long> offsets() {
    return Arbitraries.longs().between(-10_000_000_000L, 10_000_000_000L);
  }

  @Provide
  Arbitrary<String> times() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            T0.toString(),
            Instant.MAX.toString(),
            Instant.MIN.toString(),
            "",
            "yesterday",
            "2026-13-45T99:99:99Z"),
        Arbitraries.longs()
            .between(-10_000_000_000L, 10_000_000_000L)
            .map(s -> T0.plusSeconds(s).toString()),
        Arbitraries.just((String) null));
  }

  @Provide
  Arbitrary<Job> jobs() {
    Arbitrary<Integer> counts = Arbitraries.integers().between(-1, 2000).injectNull(0.2);
    Arbitrary<String> condition =
        Arbitraries.of("Complete", "Failed", "Suspended", "FailureTarget", "Bogus").injectNull(0.4);
    return Combinators.combine(times(), times(), counts, counts, counts, condition)
        .as(
            (start, completion, active, failed, succeeded, type) -> {
              Job job = TrainingJobStatusCalculatorTest.job();
              job.getStatus().setStartTime(start);
              job.getStatus().setCompletionTime(completion);
              job.getStatus().setActive(active);
              job.getStatus().setFailed(failed);
              job.getStatus().setSucceeded(succeeded);
              if (type != null) {
                job.getStatus()
                    .getConditions()
                    .add(
                        new JobConditionBuilder()
                            .withType(type)
                            .withStatus("True")
                            .withReason("BackoffLimitExceeded")
                            .withLastTransitionTime(completion)
                            .build());
              }
              return job;
            })
        .injectNull(0.1);
  }

  @Provide
  Arbitrary<List<Pod>> pods() {
    Arbitrary<String> messages =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(200),
            Arbitraries.of(
                "{\"metrics\":{\"accuracy\":\"NaN\"}}",
                "{\"artifact\":{\"sizeBytes\":-1}}",
                "{\"metrics\":{\"accuracy\":1e400}}",
                "{",
                Inspections.ONNX,
                "{\"artifact\":{\"path\":\"/etc\",\"sha256\":7,\"sizeBytes\":\"x\"}}",
                "{\"artifact\":{\"path\":\"m.pkl\",\"sha256\":\""
                    + Inspections.SHA
                    + "\","
                    + "\"sizeBytes\":-5},\"metrics\":[],\"warnings\":{}}"),
            Arbitraries.just((String) null));
    Arbitrary<ContainerState> states =
        Arbitraries.oneOf(
            times().map(t -> new ContainerStateBuilder().withNewRunning(t).build()),
            Arbitraries.of("ImagePullBackOff", "CrashLoopBackOff", "ContainerCreating", "X")
                .map(
                    r ->
                        new ContainerStateBuilder()
                            .withNewWaiting()
                            .withReason(r)
                            .withMessage("m")
                            .endWaiting()
                            .build()),
            Combinators.combine(Arbitraries.integers(), messages, times())
                .as(
                    (code, message, at) ->
                        new ContainerStateBuilder()
                            .withNewTerminated()
                            .withExitCode(code)
                            .withReason("Error")
                            .withMessage(message)
                            .withStartedAt(at)
                            .withFinishedAt(at)
                            .endTerminated()
                            .build()));
    // Trainer pods, and pods of the inspect Job (their owner) with its container.
    Arbitrary<Pod> pod =
        Combinators.combine(
                states, Arbitraries.integers().between(0, 1000), Arbitraries.of(true, false))
            .as(
                (state, restarts, inspecting) -> {
                  Pod p =
                      TrainingJobStatusCalculatorTest.pod(
                          "p" + restarts,
                          new ContainerStatusBuilder()
                              .withName(inspecting ? InspectJobBuilder.INSPECT : "trainer")
                              .withState(state)
                              .withRestartCount(restarts)
                              .build());
                  if (inspecting) {
                    p.getMetadata()
                        .setOwnerReferences(
                            List.of(
                                new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                                    .withUid(Inspections.INSPECT_UID)
                                    .withController(true)
                                    .build()));
                  }
                  return p;
                });
    return pod.list().ofMaxSize(4);
  }
}
