package dev.kiln.api.v1alpha1;

import static io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type.DATE;
import static io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type.INTEGER;
import static io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type.STRING;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A training run. Kiln turns it into a workspace volume and a Kubernetes Job running the training
 * image, and reports progress, metrics and the trained model in its status.
 *
 * <p>Once the run has started (status.jobName is set) the spec is frozen, except suspend and
 * ttlSecondsAfterFinished: one rule per field, so the API server's message names the field the user
 * tried to change. A re-run is a new TrainingJob.
 *
 * <p>metadata.name is at most {@link Validation#MAX_TRAINING_JOB_NAME} characters ({@link
 * CoreTypeSchemas}), and starts with a letter when there are several workers: it names their
 * Service, whose name is a DNS-1035 label.
 */
@Group(TrainingJob.GROUP)
@Version(TrainingJob.VERSION)
// Spelled out: without it fabric8 derives the plural with regexes in every constructor, which
// was 17 % of the operator's CPU in the 10,000-job benchmark.
@Plural("trainingjobs")
@ShortNames("tj")
@Categories("kiln")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = STRING)
@AdditionalPrinterColumn(
    name = "Progress",
    jsonPath = ".status.progress.percent",
    type = INTEGER,
    getDescription = "Percent done")
@AdditionalPrinterColumn(
    name = "ETA",
    jsonPath = ".status.progress.etaSeconds",
    type = INTEGER,
    priority = 1,
    getDescription = "Estimated seconds left")
@AdditionalPrinterColumn(
    name = "Metric",
    jsonPath = ".status.keyMetric",
    type = STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Artifact",
    jsonPath = ".status.artifact.uri",
    type = STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Security",
    jsonPath = ".status.podSecurityLevel",
    type = STRING,
    priority = 1,
    getDescription = "The Pod Security level the pods need")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = DATE)
@SchemaCustomizer(value = CoreTypeSchemas.class, input = CoreTypeSchemas.TRAINING_JOB)
@ValidationRule(value = "has(self.spec)", message = "spec is required")
@ValidationRule(
    value =
        "!has(self.spec) || !has(self.spec.workers) || self.spec.workers <= 1"
            + " || self.metadata.name.matches('^[a-z]')",
    fieldPath = ".metadata.name",
    message = TrainingJob.WORKERS_NEED_A_LETTER)
@ValidationRule(
    value = Validation.UNLESS_STARTED + "(self.spec.image == oldSelf.spec.image)",
    message = "spec.image" + Validation.FROZEN_ONCE_STARTED)
@ValidationRule(
    value =
        Validation.UNLESS_STARTED
            + "(has(self.spec.command) ? has(oldSelf.spec.command) && self.spec.command == oldSelf.spec.command : !has(oldSelf.spec.command))",
    message = "spec.command" + Validation.FROZEN_ONCE_STARTED)
@ValidationRule(
    value =
        Validation.UNLESS_STARTED
            + "(has(self.spec.args) ? has(oldSelf.spec.args) && self.spec.args == oldSelf.spec.args : !has(oldSelf.spec.args))",
    message = "spec.args" + Validation.FROZEN_ONCE_STARTED)
@ValidationRule(
    value =
        Validation.UNLESS_STARTED
            + "(has(self.spec.env) ? has(oldSelf.spec.env) && self.spec.env == oldSelf.spec.env : !has(oldSelf.spec.env))",
    message = "spec.env" + Validation.FROZEN_ONCE_STARTED)
@ValidationRule(
    value =
        Validation.UNLESS_STARTED
            + "(has(self.spec.envFrom) ? has(oldSelf.spec.envFrom) && self.spec.envFrom == oldSelf.spec.envFrom : !has(oldSelf.spec.envFrom))",
    message = "spec.envFrom" + Validation.FROZEN_ONCE_STARTED)
@ValidationRule(
    value =
        Validation.UNLESS_STARTED
            + "(has(self.spec.resources) ? has(oldSelf.spec.resources) && self.spec.resources == oldSelf.spec.resources : !has(oldSelf.spec.resources))",
    message = "spec.resources" + Validation.FROZEN_ONCE_STARTED)
@ValidationRule(
    value =
        Validation.UNLESS_STARTED
            + "(has(self.spec.hyperparameters) ? has(oldSelf.spec.hyperparameters) && self.spec.hyperparameters == oldSelf.spec.hyperparameters : !has(oldSelf.spec.hyperparameters))",
    message = "spec.hyperparameters" + Validation.FROZEN_ONCE_STARTED)
@ValidationRule(
    value =
        Validation.UNLESS_STARTED
            + "(has(self.spec.dataset) ? has(oldSelf.spec.dataset) && self.spec.dataset == oldSelf.spec.dataset : !has(oldSelf.spec.dataset))",
    message = "spec.dataset" + Validation.FROZEN_ONCE_STARTED)
@ValidationRule(
    value =
        Validation.UNLESS_STARTED
            + "(has(self.spec.prepare) ? has(oldSelf.spec.prepare) && self.spec.prepare == oldSelf.spec.prepare : !has(oldSelf.spec.prepare))",
    message = "spec.prepare" + Validation.FROZEN_ONCE_STARTED)
@ValidationRule(
    value =
        Validation.UNLESS_STARTED
            + "(has(self.spec.workspace) ? has(oldSelf.spec.workspace) && self.spec.workspace == oldSelf.spec.workspace : !has(oldSelf.spec.workspace))",
    message = "spec.workspace" + Validation.FROZEN_ONCE_STARTED)
@ValidationRule(
    value =
        Validation.UNLESS_STARTED
            + "(has(self.spec.output) ? has(oldSelf.spec.output) && self.spec.output == oldSelf.spec.output : !has(oldSelf.spec.output))",
    message = "spec.output" + Validation.FROZEN_ONCE_STARTED)
@ValidationRule(
    value =
        Validation.UNLESS_STARTED
            + "(has(self.spec.metricsFile) ? has(oldSelf.spec.metricsFile) && self.spec.metricsFile == oldSelf.spec.metricsFile : !has(oldSelf.spec.metricsFile))",
    message = "spec.metricsFile" + Validation.FROZEN_ONCE_STARTED)
@ValidationRule(
    value =
        Validation.UNLESS_STARTED
            + "(has(self.spec.workers) ? has(oldSelf.spec.workers) && self.spec.workers == oldSelf.spec.workers : !has(oldSelf.spec.workers))",
    message = "spec.workers" + Validation.FROZEN_ONCE_STARTED)
@ValidationRule(
    value =
        Validation.UNLESS_STARTED
            + "(has(self.spec.backoffLimit) ? has(oldSelf.spec.backoffLimit) && self.spec.backoffLimit == oldSelf.spec.backoffLimit : !has(oldSelf.spec.backoffLimit))",
    message = "spec.backoffLimit" + Validation.FROZEN_ONCE_STARTED)
@ValidationRule(
    value =
        Validation.UNLESS_STARTED
            + "(has(self.spec.activeDeadlineSeconds) ? has(oldSelf.spec.activeDeadlineSeconds) && self.spec.activeDeadlineSeconds == oldSelf.spec.activeDeadlineSeconds : !has(oldSelf.spec.activeDeadlineSeconds))",
    message = "spec.activeDeadlineSeconds" + Validation.FROZEN_ONCE_STARTED)
@ValidationRule(
    value =
        Validation.UNLESS_STARTED
            + "(has(self.spec.startupDeadlineSeconds) ? has(oldSelf.spec.startupDeadlineSeconds) && self.spec.startupDeadlineSeconds == oldSelf.spec.startupDeadlineSeconds : !has(oldSelf.spec.startupDeadlineSeconds))",
    message = "spec.startupDeadlineSeconds" + Validation.FROZEN_ONCE_STARTED)
@ValidationRule(
    value =
        Validation.UNLESS_STARTED
            + "(has(self.spec.progressDeadlineSeconds) ? has(oldSelf.spec.progressDeadlineSeconds) && self.spec.progressDeadlineSeconds == oldSelf.spec.progressDeadlineSeconds : !has(oldSelf.spec.progressDeadlineSeconds))",
    message = "spec.progressDeadlineSeconds" + Validation.FROZEN_ONCE_STARTED)
@ValidationRule(
    value =
        Validation.UNLESS_STARTED
            + "(has(self.spec.serviceAccountName) ? has(oldSelf.spec.serviceAccountName) && self.spec.serviceAccountName == oldSelf.spec.serviceAccountName : !has(oldSelf.spec.serviceAccountName))",
    message = "spec.serviceAccountName" + Validation.FROZEN_ONCE_STARTED)
@ValidationRule(
    value =
        Validation.UNLESS_STARTED
            + "(has(self.spec.nodeSelector) ? has(oldSelf.spec.nodeSelector) && self.spec.nodeSelector == oldSelf.spec.nodeSelector : !has(oldSelf.spec.nodeSelector))",
    message = "spec.nodeSelector" + Validation.FROZEN_ONCE_STARTED)
@ValidationRule(
    value =
        Validation.UNLESS_STARTED
            + "(has(self.spec.tolerations) ? has(oldSelf.spec.tolerations) && self.spec.tolerations == oldSelf.spec.tolerations : !has(oldSelf.spec.tolerations))",
    message = "spec.tolerations" + Validation.FROZEN_ONCE_STARTED)
@ValidationRule(
    value =
        Validation.UNLESS_STARTED
            + "(has(self.spec.affinity) ? has(oldSelf.spec.affinity) && self.spec.affinity == oldSelf.spec.affinity : !has(oldSelf.spec.affinity))",
    message = "spec.affinity" + Validation.FROZEN_ONCE_STARTED)
@ValidationRule(
    value =
        Validation.UNLESS_STARTED
            + "(has(self.spec.priorityClassName) ? has(oldSelf.spec.priorityClassName) && self.spec.priorityClassName == oldSelf.spec.priorityClassName : !has(oldSelf.spec.priorityClassName))",
    message = "spec.priorityClassName" + Validation.FROZEN_ONCE_STARTED)
@ValidationRule(
    value =
        Validation.UNLESS_STARTED
            + "(has(self.spec.imagePullSecrets) ? has(oldSelf.spec.imagePullSecrets) && self.spec.imagePullSecrets == oldSelf.spec.imagePullSecrets : !has(oldSelf.spec.imagePullSecrets))",
    message = "spec.imagePullSecrets" + Validation.FROZEN_ONCE_STARTED)
@ValidationRule(
    value =
        Validation.UNLESS_STARTED
            + "(has(self.spec.qualityGate) ? has(oldSelf.spec.qualityGate) && self.spec.qualityGate == oldSelf.spec.qualityGate : !has(oldSelf.spec.qualityGate))",
    message = "spec.qualityGate" + Validation.FROZEN_ONCE_STARTED)
@ValidationRule(
    value =
        Validation.UNLESS_STARTED
            + "(has(self.spec.keyMetric) ? has(oldSelf.spec.keyMetric) && self.spec.keyMetric == oldSelf.spec.keyMetric : !has(oldSelf.spec.keyMetric))",
    message = "spec.keyMetric" + Validation.FROZEN_ONCE_STARTED)
@ValidationRule(
    value =
        Validation.UNLESS_STARTED
            + "(has(self.spec.pod) ? has(oldSelf.spec.pod) && self.spec.pod == oldSelf.spec.pod : !has(oldSelf.spec.pod))",
    message = "spec.pod" + Validation.FROZEN_ONCE_STARTED)
public class TrainingJob extends CustomResource<TrainingJobSpec, TrainingJobStatus>
    implements Namespaced {
  public static final String GROUP = "kiln.dev";
  public static final String VERSION = "v1alpha1";

  public static final String WORKERS_NEED_A_LETTER =
      "must start with a letter when spec.workers is more than 1: it names the workers' Service"
          + " <name>-workers, and a Service name is a DNS-1035 label";

  /**
   * A spec of the wrong shape still reads ({@link TolerantReader}) and writes back as stored
   * ({@link TolerantWriter}): see {@link Unreadable}.
   */
  @Override
  @JsonSerialize(using = TolerantWriter.class)
  public TrainingJobSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonDeserialize(using = TolerantReader.class)
  public void setSpec(TrainingJobSpec spec) {
    super.setSpec(spec);
  }

  /** So does a status of the wrong shape. */
  @Override
  @JsonSerialize(using = TolerantWriter.class)
  public TrainingJobStatus getStatus() {
    return super.getStatus();
  }

  @Override
  @JsonDeserialize(using = TolerantReader.class)
  public void setStatus(TrainingJobStatus status) {
    super.setStatus(status);
  }
}
