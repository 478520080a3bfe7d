package dev.kiln.operator.trainingjob;

import static dev.kiln.operator.trainingjob.TrainingJobStatusCalculatorTest.STARTUP;
import static dev.kiln.operator.trainingjob.TrainingJobStatusCalculatorTest.T0;
import static dev.kiln.operator.trainingjob.TrainingJobStatusCalculatorTest.condition;
import static dev.kiln.operator.trainingjob.TrainingJobStatusCalculatorTest.pod;
import static dev.kiln.operator.trainingjob.TrainingJobStatusCalculatorTest.waiting;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import dev.kiln.operator.support.KubeletRefusals;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.JobAction;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.Observed;
import dev.kiln.operator.trainingjob.TrainingJobStatusCalculator.Outcome;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Suspension under Kueue and by the user (docs/design.md#kueue). Kueue admits a Job by setting its
 * spec.suspend to false, preempts it by setting it to true, and resumes an admitted Job that anyone
 * else suspends: so Kiln never writes a Kueue-managed Job's spec.suspend, the run is Queued while
 * Kueue holds the Job, and a pause (the user's, or Kiln's after failing the run) goes through the
 * Job's Workload. Each case feeds the status of the previous reconcile back, as the operator does.
 */
class KueueSuspensionTest {
  private final TrainingJobStatusCalculator calculator = new TrainingJobStatusCalculator(STARTUP);

  private static TrainingJob kueueRun() {
    TrainingJob tj = TrainingJobStatusCalculatorTest.trainingJob();
    tj.getMetadata().setLabels(Map.of("kueue.x-k8s.io/queue-name", "gpus"));
    return tj;
  }

  /** The Job as created for Kueue, before the Job controller started it. */
  private static Job held() {
    Job job = TrainingJobStatusCalculatorTest.job();
    job.getSpec().setSuspend(true);
    job.getStatus().setStartTime(null);
    return job;
  }

  /** The Job as Kueue left it after admission, before the Job controller set a start time. */
  private static Job admitted() {
    Job job = held();
    job.getSpec().setSuspend(false);
    return job;
  }

  /** Calculates at {@code now} and keeps the new status on {@code tj}, as a status write would. */
  private Outcome reconcile(TrainingJob tj, Job job, List<Pod> pods, Instant now) {
    Outcome outcome = calculator.calculate(new Observed(tj, List.of(), job, pods, now));
    tj.setStatus(outcome.status());
    return outcome;
  }

  @Test
  void aJobKueueHoldsIsQueuedAndOnceAdmittedKilnLeavesItRunning() {
    TrainingJob tj = kueueRun();
    Outcome queued = reconcile(tj, held(), List.of(), T0.plusSeconds(5));
    assertThat(queued.status().getPhase()).isEqualTo(TrainingJobPhase.Queued);
    assertThat(queued.jobAction()).isEqualTo(JobAction.NONE);
    assertThat(condition(queued.status(), "Suspended").getReason()).isEqualTo("Queued");

    Outcome admitted = reconcile(tj, admitted(), List.of(), T0.plusSeconds(60));
    assertThat(admitted.status().getPhase()).isEqualTo(TrainingJobPhase.Pending);
    assertThat(admitted.jobAction()).as("never suspended again").isEqualTo(JobAction.NONE);

    Outcome running =
        reconcile(
            tj,
            admitted(),
            List.of(pod("p1", TrainingJobStatusCalculatorTest.running())),
            T0.plusSeconds(90));
    assertThat(running.status().getPhase()).isEqualTo(TrainingJobPhase.Running);
    assertThat(running.jobAction()).isEqualTo(JobAction.NONE);

    Outcome preempted = reconcile(tj, held(), List.of(), T0.plusSeconds(120));
    assertThat(preempted.status().getPhase()).isEqualTo(TrainingJobPhase.Queued);
    assertThat(preempted.jobAction()).isEqualTo(JobAction.NONE);
  }

  @Test
  void theStartupDeadlineCountsFromAdmissionNotFromHoursInTheQueue() {
    TrainingJob tj = kueueRun();
    reconcile(tj, held(), List.of(), T0.plusSeconds(5));
    Instant admission = T0.plus(Duration.ofHours(3));
    List<Pod> pulling = List.of(pod("p1", waiting("ImagePullBackOff")));

    Outcome justAdmitted = reconcile(tj, admitted(), List.of(), admission);
    assertThat(justAdmitted.status().getPhase()).isEqualTo(TrainingJobPhase.Pending);
    assertThat(justAdmitted.recheckAfter())
        .as("looks again at the deadline, counted from now")
        .hasValueSatisfying(wait -> assertThat(wait).isBetween(STARTUP, STARTUP.plusSeconds(1)));

    Outcome within = reconcile(tj, admitted(), pulling, admission.plusSeconds(599));
    assertThat(within.status().getPhase()).isEqualTo(TrainingJobPhase.Pending);
    assertThat(within.status().getConditions())
        .anySatisfy(c -> assertThat(c.getReason()).isEqualTo("ImagePullBackOff"));

    Outcome late = reconcile(tj, admitted(), pulling, admission.plusSeconds(601));
    assertThat(late.status().getPhase()).isEqualTo(TrainingJobPhase.Failed);
    assertThat(late.jobAction())
        .as("stopped through its Workload: Kueue would resume a Job Kiln suspends")
        .isEqualTo(JobAction.DEACTIVATE_WORKLOAD);
  }

  @Test
  void aRunPausedBeforeItsJobExistsIsHeldOutOfTheQueue() {
    TrainingJob tj = kueueRun();
    tj.getSpec().setSuspend(true);

    Outcome outcome = reconcile(tj, null, List.of(), T0.plusSeconds(5));

    assertThat(TrainingBatchJobBuilder.heldBack(tj)).as("the reconciler creates no Job").isTrue();
    assertThat(outcome.status().getPhase()).isEqualTo(TrainingJobPhase.Suspended);
    assertThat(outcome.jobAction()).isEqualTo(JobAction.NONE);
    assertThat(condition(outcome.status(), "Suspended").getReason()).isEqualTo("SuspendedBySpec");
    assertThat(condition(outcome.status(), "Suspended").getMessage()).contains("queue gpus");

    tj.getSpec().setSuspend(false);
    assertThat(TrainingBatchJobBuilder.heldBack(tj)).isFalse();
    assertThat(TrainingBatchJobBuilder.startSuspended(tj)).as("created for Kueue").isTrue();
  }

  @Test
  void pausingARunningKueueJobDeactivatesItsWorkloadUntilKueueHasSuspendedTheJob() {
    TrainingJob tj = kueueRun();
    reconcile(tj, held(), List.of(), T0.plusSeconds(5));
    reconcile(tj, admitted(), List.of(), T0.plusSeconds(60));
    tj.getSpec().setSuspend(true);

    Outcome pausing = reconcile(tj, admitted(), List.of(), T0.plusSeconds(70));
    assertThat(pausing.status().getPhase()).isEqualTo(TrainingJobPhase.Suspended);
    assertThat(pausing.jobAction()).isEqualTo(JobAction.DEACTIVATE_WORKLOAD);

    Outcome stillRunning = reconcile(tj, admitted(), List.of(), T0.plusSeconds(71));
    assertThat(stillRunning.jobAction()).isEqualTo(JobAction.DEACTIVATE_WORKLOAD);

    Outcome evicted = reconcile(tj, held(), List.of(), T0.plusSeconds(72));
    assertThat(evicted.status().getPhase()).isEqualTo(TrainingJobPhase.Suspended);
    assertThat(evicted.jobAction()).as("nothing more to write").isEqualTo(JobAction.NONE);
  }

  @Test
  void pausingAQueuedKueueJobDeactivatesItsWorkloadOnceSoKueueDoesNotAdmitIt() {
    TrainingJob tj = kueueRun();
    reconcile(tj, held(), List.of(), T0.plusSeconds(5));
    tj.getSpec().setSuspend(true);

    assertThat(reconcile(tj, held(), List.of(), T0.plusSeconds(10)).jobAction())
        .isEqualTo(JobAction.DEACTIVATE_WORKLOAD);
    assertThat(reconcile(tj, held(), List.of(), T0.plusSeconds(11)).jobAction())
        .isEqualTo(JobAction.NONE);
  }

  @Test
  void resumingAPausedKueueJobHandsItBackToKueueWithoutUnsuspendingIt() {
    TrainingJob tj = kueueRun();
    tj.getSpec().setSuspend(true);
    reconcile(tj, held(), List.of(), T0.plusSeconds(5));
    tj.getSpec().setSuspend(false);

    Outcome resumed = reconcile(tj, held(), List.of(), T0.plusSeconds(10));
    assertThat(resumed.status().getPhase()).isEqualTo(TrainingJobPhase.Queued);
    assertThat(resumed.jobAction()).isEqualTo(JobAction.ACTIVATE_WORKLOAD);

    Outcome waiting = reconcile(tj, held(), List.of(), T0.plusSeconds(11));
    assertThat(waiting.jobAction()).as("the rest is Kueue's").isEqualTo(JobAction.NONE);
  }

  @Test
  void resumingBeforeKueueHasEvictedTheJobStillReactivatesItsWorkload() {
    TrainingJob tj = kueueRun();
    reconcile(tj, held(), List.of(), T0.plusSeconds(5));
    reconcile(tj, admitted(), List.of(), T0.plusSeconds(60));
    tj.getSpec().setSuspend(true);
    assertThat(reconcile(tj, admitted(), List.of(), T0.plusSeconds(70)).jobAction())
        .isEqualTo(JobAction.DEACTIVATE_WORKLOAD);
    tj.getSpec().setSuspend(false);

    Outcome resumed = reconcile(tj, admitted(), List.of(), T0.plusSeconds(75));
    assertThat(resumed.status().getPhase()).isEqualTo(TrainingJobPhase.Pending);
    assertThat(resumed.jobAction()).isEqualTo(JobAction.ACTIVATE_WORKLOAD);

    // Kueue evicts it all the same and queues it again: Kueue's to admit.
    Outcome evicted = reconcile(tj, held(), List.of(), T0.plusSeconds(76));
    assertThat(evicted.status().getPhase()).isEqualTo(TrainingJobPhase.Queued);
    assertThat(evicted.jobAction()).isEqualTo(JobAction.NONE);
  }

  @Test
  void aKueueRunKilnFailsIsStoppedThroughItsWorkloadAndStaysFailed() {
    TrainingJob tj = kueueRun();
    reconcile(tj, held(), List.of(), T0.plusSeconds(5));
    Pod root = pod("p1", KubeletRefusals.refused("trainer", KubeletRefusals.RUNS_AS_ROOT));

    Outcome failed = reconcile(tj, admitted(), List.of(root), T0.plusSeconds(60));
    assertThat(failed.status().getPhase()).isEqualTo(TrainingJobPhase.Failed);
    assertThat(failed.jobAction()).isEqualTo(JobAction.DEACTIVATE_WORKLOAD);

    Outcome stillRunning = reconcile(tj, admitted(), List.of(root), T0.plusSeconds(61));
    assertThat(stillRunning.jobAction()).isEqualTo(JobAction.DEACTIVATE_WORKLOAD);

    Outcome stopped = reconcile(tj, held(), List.of(), T0.plusSeconds(62));
    assertThat(stopped.status().getPhase()).isEqualTo(TrainingJobPhase.Failed);
    assertThat(stopped.jobAction()).isEqualTo(JobAction.NONE);
  }

  @Test
  void withoutKueueAResumeAfterALongPauseIsNotALateStart() {
    TrainingJob tj = TrainingJobStatusCalculatorTest.trainingJob();
    tj.getSpec().setSuspend(true);
    assertThat(reconcile(tj, held(), List.of(), T0.plusSeconds(5)).jobAction())
        .isEqualTo(JobAction.NONE);
    tj.getSpec().setSuspend(false);
    Instant resume = T0.plus(Duration.ofDays(1));

    assertThat(reconcile(tj, held(), List.of(), resume).jobAction()).isEqualTo(JobAction.RESUME);
    Outcome resumed = reconcile(tj, admitted(), List.of(), resume.plusSeconds(1));
    assertThat(resumed.status().getPhase()).isEqualTo(TrainingJobPhase.Pending);
    assertThat(resumed.status().getFailure()).isNull();
  }
}
