package dev.kiln.sandbox.cluster;

import dev.kiln.operator.support.KilnLabels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
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
final class JobController implements AutoCloseable {
  static final String INDEX = "batch.kubernetes.io/job-completion-index";

  private final KubernetesClient client;
  private final SharedIndexInformer<Job> jobs;
  private final SharedIndexInformer<Pod> pods;
  private final Clock clock;
  private final ControlLoop loop;
  private final Map<String, Tracking> tracking = new ConcurrentHashMap<>();
  private final CreationExpectations expectations;

  /** Terminated pods already counted, so a pod deleted later is not forgotten. */
  private static final class Tracking {
    final Set<String> succeeded = ConcurrentHashMap.newKeySet();
    final Set<String> failed = ConcurrentHashMap.newKeySet();
    final Set<Integer> completedIndexes = new TreeSet<>();
    Instant lastFailure = Instant.MIN;
  }

  JobController(
      KubernetesClient client,
      SharedIndexInformer<Job> jobs,
      SharedIndexInformer<Pod> pods,
      Clock clock) {
    this.client = client;
    this.jobs = jobs;
    this.pods = pods;
    this.clock = clock;
    this.expectations = new CreationExpectations(clock);
    this.loop = new ControlLoop("sandbox-job-controller", this::reconcile);
    loop.watch(jobs);
    pods.addEventHandler(Owners.enqueueOwner(loop, "Job"));
  }

  private void reconcile(String key) {
    Job job = jobs.getStore().getByKey(key);
    if (job == null) {
      return;
    }
    String uid = job.getMetadata().getUid();
    Tracking t = tracking.computeIfAbsent(uid, u -> new Tracking());
    List<Pod> owned = Owners.owned(pods, uid);
    List<Pod> active = new ArrayList<>();
    for (Pod p : owned) {
      String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
      if ("Succeeded".equals(phase)) {
        if (t.succeeded.add(p.getMetadata().getUid())) {
          index(p).ifPresent(t.completedIndexes::add);
        }
      } else if ("Failed".equals(phase)) {
        if (t.failed.add(p.getMetadata().getUid())) {
          t.lastFailure = clock.instant();
        }
      } else {
        active.add(p);
      }
    }
    JobStatus old = job.getStatus() == null ? new JobStatus() : job.getStatus();
    JobStatus status = Serialization.clone(old);
    Map<String, JobCondition> conditions = new LinkedHashMap<>();
    if (old.getConditions() != null) {
      old.getConditions().forEach(c -> conditions.put(c.getType(), c));
    }
    Instant now = clock.instant();
    if (finished(conditions)) {
      active.forEach(this::delete);
      active.clear();
      expire(job, conditions, now);
    } else if (Boolean.TRUE.equals(job.getSpec().getSuspend())) {
      active.forEach(this::delete);
      active.clear();
      status.setStartTime(null);
      set(conditions, "Suspended", true, "JobSuspended", "Job suspended", now);
    } else {
      if (isTrue(conditions, "Suspended")) {
        set(conditions, "Suspended", false, "JobResumed", "Job resumed", now);
      }
      if (status.getStartTime() == null) {
        status.setStartTime(Kubelet.format(now));
      }
      Long deadline = job.getSpec().getActiveDeadlineSeconds();
      int backoffLimit = Objects.requireNonNullElse(job.getSpec().getBackoffLimit(), 6);
      int completions = Objects.requireNonNullElse(job.getSpec().getCompletions(), 1);
      boolean indexed = "Indexed".equals(job.getSpec().getCompletionMode());
      int done = indexed ? t.completedIndexes.size() : t.succeeded.size();
      if (deadline != null
          && Instant.parse(status.getStartTime()).plusSeconds(deadline).isBefore(now)) {
        fail(conditions, "DeadlineExceeded", "Job was active longer than specified deadline", now);
      } else if (t.failed.size() > backoffLimit) {
        fail(
            conditions, "BackoffLimitExceeded", "Job has reached the specified backoff limit", now);
      } else if (done >= completions) {
        set(
            conditions,
            "Complete",
            true,
            "CompletionsReached",
            "Reached expected number of succeeded pods",
            now);
        status.setCompletionTime(Kubelet.format(now));
      } else if (!now.isBefore(t.lastFailure.plus(Backoff.after(t.failed.size())))
          && expectations.satisfied(uid, owned)) {
        createPods(job, active, t, indexed, completions - done);
      }
      if (finished(conditions)) {
        active.forEach(this::delete);
        active.clear();
      }
    }
    status.setActive(active.size());
    status.setReady((int) active.stream().filter(Owners::ready).count());
    status.setSucceeded(t.succeeded.size());
    status.setFailed(t.failed.size());
    status.setConditions(new ArrayList<>(conditions.values()));
    if (indexed(job)) {
      status.setCompletedIndexes(ranges(t.completedIndexes));
    }
    if (!Serialization.asJson(status).equals(Serialization.asJson(old))) {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(job.getMetadata().getNamespace())
          .withName(job.getMetadata().getName())
          .editStatus(
              j -> {
                j.setStatus(status);
                return j;
              });
    }
  }

  private void createPods(Job job, List<Pod> active, Tracking t, boolean indexed, int remaining) {
    int parallelism = Objects.requireNonNullElse(job.getSpec().getParallelism(), 1);
    if (!indexed) {
      for (int i = active.size(); i < Math.min(parallelism, remaining); i++) {
        create(job, null);
      }
      return;
    }
    Set<Integer> running = new TreeSet<>();
    active.forEach(p -> index(p).ifPresent(running::add));
    int completions = Objects.requireNonNullElse(job.getSpec().getCompletions(), 1);
    for (int i = 0; i < completions && running.size() < parallelism; i++) {
      if (!t.completedIndexes.contains(i) && running.add(i)) {
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
    expectations.created(job.getMetadata().getUid(), podName);
    client
        .pods()
        .inNamespace(job.getMetadata().getNamespace())
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(podName)
                .withNamespace(job.getMetadata().getNamespace())
                .withLabels(labels)
                .withAnnotations(annotations)
                .withOwnerReferences(KilnLabels.controllerReference(job))
                .endMetadata()
                .withSpec(spec)
                .build())
        .create();
  }

  /** Deletes the Job {@code ttlSecondsAfterFinished} after it finished. */
  private void expire(Job job, Map<String, JobCondition> conditions, Instant now) {
    Integer ttl = job.getSpec().getTtlSecondsAfterFinished();
    if (ttl == null) {
      return;
    }
    Instant finishedAt =
        conditions.values().stream()
            .filter(c -> "True".equals(c.getStatus()))
            .filter(c -> c.getType().equals("Complete") || c.getType().equals("Failed"))
            .map(c -> Instant.parse(c.getLastTransitionTime()))
            .findFirst()
            .orElse(now);
    if (!finishedAt.plusSeconds(ttl).isAfter(now)) {
      client.resource(job).delete();
    }
  }

  private void delete(Pod pod) {
    client.resource(pod).delete();
  }

  private static void fail(
      Map<String, JobCondition> conditions, String reason, String message, Instant now) {
    set(conditions, "Failed", true, reason, message, now);
  }

  private static void set(
      Map<String, JobCondition> conditions,
      String type,
      boolean value,
      String reason,
      String message,
      Instant now) {
    JobCondition old = conditions.get(type);
    String status = value ? "True" : "False";
    if (old != null && status.equals(old.getStatus()) && Objects.equals(reason, old.getReason())) {
      return;
    }
    conditions.put(
        type,
        new JobConditionBuilder()
            .withType(type)
            .withStatus(status)
            .withReason(reason)
            .withMessage(message)
            .withLastProbeTime(Kubelet.format(now))
            .withLastTransitionTime(Kubelet.format(now))
            .build());
  }

  private static boolean finished(Map<String, JobCondition> conditions) {
    return isTrue(conditions, "Complete") || isTrue(conditions, "Failed");
  }

  private static boolean isTrue(Map<String, JobCondition> conditions, String type) {
    return conditions.containsKey(type) && "True".equals(conditions.get(type).getStatus());
  }

  private static boolean indexed(Job job) {
    return "Indexed".equals(job.getSpec().getCompletionMode());
  }

  private static java.util.Optional<Integer> index(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(INDEX);
    return value == null
        ? java.util.Optional.empty()
        : java.util.Optional.of(Integer.valueOf(value));
  }

  /** Kubernetes' completedIndexes form: "0-2,5". */
  static String ranges(Set<Integer> indexes) {
    List<String> parts = new ArrayList<>();
    Integer start = null;
    Integer prev = null;
    for (int i : indexes) {
      if (prev != null && i == prev + 1) {
        prev = i;
        continue;
      }
      if (start != null) {
        parts.add(start.equals(prev) ? "" + start : start + "-" + prev);
      }
      start = i;
      prev = i;
    }
    if (start != null) {
      parts.add(start.equals(prev) ? "" + start : start + "-" + prev);
    }
    return String.join(",", parts);
  }

  @Override
  public void close() {
    loop.close();
  }
}
