package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.operator.support.Owners;
import dev.kiln.operator.trainingjob.TrainingJobNames.Child;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * Objects of a run's names that are not the run's own. A TrainingJob deleted and created again
 * before the garbage collector removed its children finds their Jobs, claim and workers Service
 * under the names it wants: using them would hand the new run the old run's model, pods or
 * rendezvous, so the run waits (reason PreviousRunObjects) until they are gone. Pure.
 */
final class PreviousRun {
  /** How often a waiting run looks again: the claim and Service send the operator no events. */
  static final Duration RECHECK = Duration.ofSeconds(10);

  private static final Set<Child> JOBS = Set.of(Child.JOB, Child.INSPECT, Child.UPLOAD);

  private PreviousRun() {}

  /** A Job with one of the run's Job names that the run does not control (from the cache). */
  static Optional<String> leftoverJob(TrainingJob tj, Collection<Job> jobs) {
    return jobs.stream()
        .filter(j -> isRunName(tj, j.getMetadata().getName()) && !Owners.controlledBy(j, tj))
        .findFirst()
        .map(j -> waitingFor(tj, j));
  }

  /**
   * Whether an object found under a child's name may serve the run: its controller is the run (a
   * restarted operator, a lagging cache), or it is a claim without a controller (a workspace kept
   * by retainPolicy: Retain, or one a user made), which the run uses as it is.
   */
  static boolean usable(TrainingJob tj, HasMetadata existing) {
    return Owners.controlledBy(existing, tj)
        || (existing instanceof PersistentVolumeClaim && Owners.controller(existing).isEmpty());
  }

  /** The waiting message: which object, and whose it is. */
  static String waitingFor(TrainingJob tj, HasMetadata existing) {
    String what = existing.getKind() + " " + existing.getMetadata().getName();
    boolean earlierRun =
        Owners.controller(existing)
            .map(
                r ->
                    tj.getKind().equals(r.getKind())
                        && tj.getMetadata().getName().equals(r.getName()))
            .orElse(false);
    return earlierRun
        ? what
            + " still belongs to an earlier TrainingJob "
            + tj.getMetadata().getName()
            + " (deleted, not yet garbage-collected); the run starts once it is gone"
        : what + " exists and is not this TrainingJob's; the run starts once it is deleted";
  }

  /** The message when an object that answered "already exists" was gone when read back. */
  static String vanished(HasMetadata desired) {
    return desired.getKind()
        + " "
        + desired.getMetadata().getName()
        + " was being deleted; creating it again";
  }

  private static boolean isRunName(TrainingJob tj, String name) {
    return JOBS.stream().anyMatch(c -> TrainingJobNames.name(tj, c).equals(name));
  }
}
