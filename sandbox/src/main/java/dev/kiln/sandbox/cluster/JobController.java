package dev.kiln.sandbox.cluster;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Job controller, for what Kiln's Jobs use: pods from the template (NonIndexed, or one per
 * index for Indexed), a new pod after each failure until {@code backoffLimit} (back-off 1 s
 * doubling to 10 s; Kubernetes uses 10 s to 6 min), {@code activeDeadlineSeconds}, {@code suspend}
 * (pods deleted, {@code Suspended} condition, start time reset on resume), {@code Complete}/{@code
 * Failed} conditions with Kubernetes' reasons, and {@code ttlSecondsAfterFinished}.
 */
final class JobController extends PodOwnerController<Job> {
  static final String INDEX = JobPods.INDEX;

  private final Map<String, JobPods> tracking = new ConcurrentHashMap<>();

  JobController(Cluster cluster, SharedIndexInformer<Job> jobs) {
    super(cluster, jobs, "sandbox-job-controller", "Job");
  }

  @Override
  protected void reconcile(String key, Job job) {
    String uid = job.getMetadata().getUid();
    JobPods counted = tracking.computeIfAbsent(uid, u -> new JobPods());
    List<Pod> owned = Owners.owned(cluster.pods(), uid);
    List<Pod> active = counted.count(owned, cluster.clock().instant());
    JobStatus old = job.getStatus() == null ? new JobStatus() : job.getStatus();
    JobStatus status = Serialization.clone(old);
    JobConditionMap conditions = new JobConditionMap(old.getConditions());
    Instant now = cluster.clock().instant();
    if (conditions.finished()) {
      stop(active);
      expire(job, conditions, now);
    } else if (Boolean.TRUE.equals(job.getSpec().getSuspend())) {
      stop(active);
      status.setStartTime(null);
      conditions.set("Suspended", true, "JobSuspended", "Job suspended", now);
    } else {
      run(job, counted, owned, active, status, conditions, now);
    }
    writeStatus(job, old, status, counted, active, conditions);
  }

  /** A Job that is neither finished nor suspended: fail it, complete it, or start pods. */
  private void run(
      Job job,
      JobPods counted,
      List<Pod> owned,
      List<Pod> active,
      JobStatus status,
      JobConditionMap conditions,
      Instant now) {
    if (conditions.isTrue("Suspended")) {
      conditions.set("Suspended", false, "JobResumed", "Job resumed", now);
    }
    if (status.getStartTime() == null) {
      status.setStartTime(Kubelet.format(now));
    }
    Long deadline = job.getSpec().getActiveDeadlineSeconds();
    int backoffLimit = Objects.requireNonNullElse(job.getSpec().getBackoffLimit(), 6);
    int completions = Objects.requireNonNullElse(job.getSpec().getCompletions(), 1);
    boolean indexed = indexed(job);
    int done = counted.done(indexed);
    if (deadline != null
        && Instant.parse(status.getStartTime()).plusSeconds(deadline).isBefore(now)) {
      conditions.fail("DeadlineExceeded", "Job was active longer than specified deadline", now);
    } else if (counted.failed.size() > backoffLimit) {
      conditions.fail("BackoffLimitExceeded", "Job has reached the specified backoff limit", now);
    } else if (done >= completions) {
      conditions.set(
          "Complete", true, "CompletionsReached", "Reached expected number of succeeded pods", now);
      status.setCompletionTime(Kubelet.format(now));
    } else if (!now.isBefore(counted.lastFailure.plus(Backoff.after(counted.failed.size())))
        && expectations.satisfied(job.getMetadata().getUid(), owned)) {
      createPods(job, active, counted, indexed, completions - done);
    }
    if (conditions.finished()) {
      stop(active);
    }
  }

  /** Writes the counts and conditions into the status, unless nothing changed. */
  private void writeStatus(
      Job job,
      JobStatus old,
      JobStatus status,
      JobPods counted,
      List<Pod> active,
      JobConditionMap conditions) {
    status.setActive(active.size());
    status.setReady((int) active.stream().filter(Owners::ready).count());
    status.setSucceeded(counted.succeeded.size());
    status.setFailed(counted.failed.size());
    status.setConditions(conditions.list());
    if (indexed(job)) {
      status.setCompletedIndexes(ranges(counted.completedIndexes));
    }
    Owners.writeStatusIfChanged(cluster.client(), job, old, status, Job::setStatus);
  }

  /** Deletes the active pods (they no longer count as active). */
  private void stop(List<Pod> active) {
    active.forEach(this::delete);
    active.clear();
  }

  private void createPods(
      Job job, List<Pod> active, JobPods counted, boolean indexed, int remaining) {
    int parallelism = Objects.requireNonNullElse(job.getSpec().getParallelism(), 1);
    if (!indexed) {
      for (int i = active.size(); i < Math.min(parallelism, remaining); i++) {
        create(job, null);
      }
      return;
    }
    Set<Integer> running = new TreeSet<>();
    active.forEach(p -> JobPods.index(p).ifPresent(running::add));
    int completions = Objects.requireNonNullElse(job.getSpec().getCompletions(), 1);
    for (int i = 0; i < completions && running.size() < parallelism; i++) {
      if (!counted.completedIndexes.contains(i) && running.add(i)) {
        create(job, i);
      }
    }
  }

  private void create(Job job, Integer index) {
    String name = job.getMetadata().getName();
    Map<String, String> labels = new LinkedHashMap<>();
    var template = job.getSpec().getTemplate();
    if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    labels.put("batch.kubernetes.io/controller-uid", job.getMetadata().getUid());
    labels.put("batch.kubernetes.io/job-name", name);
    labels.put("controller-uid", job.getMetadata().getUid());
    labels.put("job-name", name);
    Map<String, String> annotations = new LinkedHashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getAnnotations() != null) {
      annotations.putAll(template.getMetadata().getAnnotations());
    }
    PodSpec spec = Serialization.clone(template.getSpec());
    if (index != null) {
      labels.put(INDEX, index.toString());
      annotations.put(INDEX, index.toString());
      spec.setHostname(name + "-" + index);
    }
    String podName = (index == null ? name + "-" : name + "-" + index + "-") + Owners.suffix();
    createPod(job, podName, labels, annotations, spec);
  }

  /** Deletes the Job {@code ttlSecondsAfterFinished} after it finished. */
  private void expire(Job job, JobConditionMap conditions, Instant now) {
    Integer ttl = job.getSpec().getTtlSecondsAfterFinished();
    if (ttl != null && !conditions.finishedAt().orElse(now).plusSeconds(ttl).isAfter(now)) {
      cluster.client().resource(job).delete();
    }
  }

  private static boolean indexed(Job job) {
    return "Indexed".equals(job.getSpec().getCompletionMode());
  }

  /** Kubernetes' completedIndexes form: "0-2,5". */
  static String ranges(Set<Integer> indexes) {
    return JobPods.ranges(indexes);
  }
}
