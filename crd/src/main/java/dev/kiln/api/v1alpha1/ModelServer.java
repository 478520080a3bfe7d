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
 * A served model. Kiln resolves the model (from a TrainingJob, the newest qualified one, or a URI)
 * and runs it in a Deployment behind a Service, reporting its URL, readiness and lineage.
 *
 * <p>metadata.name names every child, the Service too, so it is a DNS-1035 label ({@link
 * CoreTypeSchemas}).
 */
@Group(TrainingJob.GROUP)
@Version(TrainingJob.VERSION)
// Spelled out, as on TrainingJob: fabric8 would otherwise derive it with regexes per instance.
@Plural("modelservers")
@ShortNames("ms")
@Categories("kiln")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.readyReplicas", type = INTEGER)
@AdditionalPrinterColumn(name = "URL", jsonPath = ".status.url", type = STRING)
@AdditionalPrinterColumn(
    name = "Model",
    type = STRING,
    jsonPath = ".status.model.trainingJob",
    getDescription = "The TrainingJob whose model is served")
@AdditionalPrinterColumn(
    name = "Model URI",
    type = STRING,
    jsonPath = ".status.model.uri",
    priority = 1)
@AdditionalPrinterColumn(
    name = "Security",
    jsonPath = ".status.podSecurityLevel",
    type = STRING,
    priority = 1,
    getDescription = "The Pod Security level the pods need")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = DATE)
@SchemaCustomizer(value = CoreTypeSchemas.class, input = CoreTypeSchemas.MODEL_SERVER)
@ValidationRule(value = "has(self.spec)", message = "spec is required")
public class ModelServer extends CustomResource<ModelServerSpec, ModelServerStatus>
    implements Namespaced {
  /**
   * A spec of the wrong shape still reads ({@link TolerantReader}) and writes back as stored
   * ({@link TolerantWriter}): see {@link Unreadable}.
   */
  @Override
  @JsonSerialize(using = TolerantWriter.class)
  public ModelServerSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonDeserialize(using = TolerantReader.class)
  public void setSpec(ModelServerSpec spec) {
    super.setSpec(spec);
  }

  /** So does a status of the wrong shape. */
  @Override
  @JsonSerialize(using = TolerantWriter.class)
  public ModelServerStatus getStatus() {
    return super.getStatus();
  }

  @Override
  @JsonDeserialize(using = TolerantReader.class)
  public void setStatus(ModelServerStatus status) {
    super.setStatus(status);
  }
}
