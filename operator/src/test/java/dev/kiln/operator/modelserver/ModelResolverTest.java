package dev.kiln.operator.modelserver;

import static dev.kiln.operator.modelserver.ModelServers.qualified;
import static dev.kiln.operator.modelserver.ModelServers.trainingJob;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.Failure;
import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelSource;
import dev.kiln.api.v1alpha1.ServedModel;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobPhase;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Resolving spec.model to a model, from the namespace's TrainingJobs. */
class ModelResolverTest {
  static final Map<String, String> IRIS = Map.of("app", "iris");

  @Test
  void trainingJobRefWaitsForTheJobToSucceed() {
    ModelServer ms = ModelServers.fromJob("srv", "iris");
    ModelResolution r =
        ModelResolver.resolve(
            ms, List.of(trainingJob("iris", TrainingJobPhase.Running, null, IRIS)));
    assertThat(r.state()).isEqualTo(ModelResolution.State.WAITING);
    assertThat(r.message()).isEqualTo("waiting for TrainingJob iris to succeed (phase Running)");
  }

  @Test
  void trainingJobRefServesTheArtifactWithLineage() {
    ModelServer ms = ModelServers.fromJob("srv", "iris");
    ModelResolution r =
        ModelResolver.resolve(
            ms,
            List.of(trainingJob("iris", TrainingJobPhase.Succeeded, "2026-01-01T01:00:00Z", IRIS)));
    assertThat(r.isResolved()).isTrue();
    assertThat(r.model().getUri()).isEqualTo("pvc://iris-workspace/model/model.onnx");
    assertThat(r.model().getSha256()).isEqualTo("sha-iris");
    assertThat(r.model().getFormat()).isEqualTo("onnx");
    assertThat(r.model().getTrainingJob()).isEqualTo("iris");
    assertThat(r.model().getTrainingJobUid()).isEqualTo("uid-iris");
  }

  @Test
  void trainingJobRefFailsWhenTheJobFailedOrIsMissing() {
    ModelServer ms = ModelServers.fromJob("srv", "iris");
    TrainingJob failed = trainingJob("iris", TrainingJobPhase.Failed, null, IRIS);
    failed.getStatus().setFailure(Failure.builder().reason("OOMKilled").build());
    ModelResolution r = ModelResolver.resolve(ms, List.of(failed));
    assertThat(r.isFailed()).isTrue();
    assertThat(r.reason()).isEqualTo("TrainingJobFailed");
    assertThat(r.message()).contains("OOMKilled");

    ModelResolution missing = ModelResolver.resolve(ms, List.of());
    assertThat(missing.isFailed()).isTrue();
    assertThat(missing.reason()).isEqualTo("TrainingJobNotFound");
  }

  @Test
  void trainingJobsOfOtherNamespacesAreIgnored() {
    ModelServer ms = ModelServers.fromJob("srv", "iris");
    TrainingJob elsewhere =
        trainingJob("iris", TrainingJobPhase.Succeeded, "2026-01-01T01:00:00Z", IRIS);
    elsewhere.getMetadata().setNamespace("team-b");
    assertThat(ModelResolver.resolve(ms, List.of(elsewhere)).reason())
        .isEqualTo("TrainingJobNotFound");
  }

  @Test
  void latestPicksTheNewestSucceededQualifiedJob() {
    ModelServer ms = latest(new LabelSelectorBuilder().withMatchLabels(IRIS).build());
    List<TrainingJob> jobs =
        List.of(
            trainingJob("old", TrainingJobPhase.Succeeded, "2026-01-01T01:00:00Z", IRIS),
            qualified(
                trainingJob("good", TrainingJobPhase.Succeeded, "2026-01-01T02:00:00Z", IRIS),
                true),
            qualified(
                trainingJob("bad", TrainingJobPhase.Succeeded, "2026-01-01T03:00:00Z", IRIS),
                false),
            trainingJob("running", TrainingJobPhase.Running, null, IRIS),
            trainingJob(
                "other", TrainingJobPhase.Succeeded, "2026-01-01T04:00:00Z", Map.of("app", "x")));
    ModelResolution r = ModelResolver.resolve(ms, jobs);
    assertThat(r.isResolved()).isTrue();
    assertThat(r.model().getTrainingJob()).isEqualTo("good");
  }

  @Test
  void latestBreaksCompletionTimeTiesByCreationTime() {
    ModelServer ms = latest(new LabelSelectorBuilder().withMatchLabels(IRIS).build());
    TrainingJob a = trainingJob("a", TrainingJobPhase.Succeeded, "2026-01-01T01:00:00Z", IRIS);
    TrainingJob b = trainingJob("b", TrainingJobPhase.Succeeded, "2026-01-01T01:00:00Z", IRIS);
    a.getMetadata().setCreationTimestamp("2026-01-01T00:30:00Z");
    b.getMetadata().setCreationTimestamp("2026-01-01T00:10:00Z");
    assertThat(ModelResolver.resolve(ms, List.of(a, b)).model().getTrainingJob()).isEqualTo("a");
    assertThat(ModelResolver.resolve(ms, List.of(b, a)).model().getTrainingJob()).isEqualTo("a");
  }

  @Test
  void latestWaitsWhileNoCandidateQualifies() {
    ModelServer ms =
        latest(
            new LabelSelectorBuilder()
                .withMatchExpressions(
                    new LabelSelectorRequirementBuilder()
                        .withKey("app")
                        .withOperator("In")
                        .withValues("iris")
                        .build())
                .build());
    ModelResolution r =
        ModelResolver.resolve(
            ms,
            List.of(
                qualified(
                    trainingJob("bad", TrainingJobPhase.Succeeded, "2026-01-01T03:00:00Z", IRIS),
                    false)));
    assertThat(r.state()).isEqualTo(ModelResolution.State.WAITING);
    assertThat(r.reason()).isEqualTo("NoQualifiedModel");
    assertThat(r.message()).contains("app in (iris)").contains("1 failed their quality gate");
  }

  @Test
  void uriIsUsedAsGiven() {
    ModelServer ms = ModelServers.fromUri("srv", "s3://models/fraud/model.onnx");
    ms.getSpec().getModel().setFormat("onnx");
    ModelResolution r = ModelResolver.resolve(ms, List.of());
    assertThat(r.isResolved()).isTrue();
    assertThat(r.model().getUri()).isEqualTo("s3://models/fraud/model.onnx");
    assertThat(r.model().getTrainingJob()).isNull();
  }

  @Test
  void aTrainingJobConcernsTheServersThatReferOrSelectIt() {
    TrainingJob iris = trainingJob("iris", TrainingJobPhase.Running, null, IRIS);
    assertThat(ModelResolver.concerns(ModelServers.fromJob("a", "iris"), iris)).isTrue();
    assertThat(ModelResolver.concerns(ModelServers.fromJob("a", "other"), iris)).isFalse();
    assertThat(
            ModelResolver.concerns(
                latest(new LabelSelectorBuilder().withMatchLabels(IRIS).build()), iris))
        .isTrue();
    assertThat(
            ModelResolver.concerns(
                latest(new LabelSelectorBuilder().withMatchLabels(Map.of("app", "x")).build()),
                iris))
        .isFalse();
    assertThat(ModelResolver.concerns(ModelServers.fromUri("a", "s3://b/m"), iris)).isFalse();
  }

  private static ModelServer latest(io.fabric8.kubernetes.api.model.LabelSelector selector) {
    return ModelServers.with(
        "srv", ModelSource.builder().latest(new ModelSource.Latest(selector)).build());
  }

  @Test
  void aPickleModelIsServedByACustomImageWithItsFormat() {
    ModelServer ms = ModelServers.fromJob("srv", "iris");
    ms.getSpec().setImage("registry.example/ml/fastapi-server:1");
    TrainingJob tj = trainingJob("iris", TrainingJobPhase.Succeeded, "2026-01-01T01:00:00Z", IRIS);
    tj.getStatus().getArtifact().setUri("pvc://iris-workspace/model/model.pkl");
    tj.getStatus().getArtifact().setFormat("pkl");

    ModelResolution r = ModelResolver.resolve(ms, List.of(tj));

    assertThat(r.isResolved()).isTrue();
    assertThat(r.model().getFormat()).isEqualTo("pkl");
  }

  @Test
  void kilnsOwnServerIsNotAskedToLoadAModelThatIsNotOnnx() {
    ModelServer ms = ModelServers.fromJob("srv", "iris");
    TrainingJob tj = trainingJob("iris", TrainingJobPhase.Succeeded, "2026-01-01T01:00:00Z", IRIS);
    tj.getStatus().getArtifact().setUri("pvc://iris-workspace/model/model.joblib");
    tj.getStatus().getArtifact().setFormat("joblib");

    ModelResolution r = ModelResolver.resolve(ms, List.of(tj));

    assertThat(r.isFailed()).isTrue();
    assertThat(r.reason()).isEqualTo("UnsupportedModelFormat");
    assertThat(r.message())
        .contains("pvc://iris-workspace/model/model.joblib is a joblib model")
        .contains("set spec.image");
    ModelServer byUri = ModelServers.fromUri("srv", "s3://models/m.pkl");
    byUri.getSpec().getModel().setFormat("pkl");
    assertThat(ModelResolver.resolve(byUri, List.of()).reason())
        .isEqualTo("UnsupportedModelFormat");
  }

  /**
   * An older ModelServer with a password in model.uri: status shows the URI redacted, and a
   * Deployment rebuilt from the status (no model resolves right now) still gets the real one.
   */
  @Test
  void aRedactedServedModelGetsItsUriBackFromTheSpec() {
    String uri = "https://bob:hunter2@models.example/iris.onnx";
    ModelServer ms = ModelServers.fromUri("iris", uri);
    ServedModel shown =
        ServedModel.builder().uri("https://[redacted]@models.example/iris.onnx").build();

    assertThat(ModelResolver.unredacted(shown, ms).getUri()).isEqualTo(uri);
    assertThat(ModelResolver.unredacted(shown, ModelServers.fromUri("iris", "s3://other/m.onnx")))
        .as("the spec has another URI now: leave the Deployment as it is")
        .isNull();
    ServedModel plain = ServedModel.builder().uri("pvc://models/iris.onnx").build();
    assertThat(ModelResolver.unredacted(plain, ms)).isSameAs(plain);
  }
}
