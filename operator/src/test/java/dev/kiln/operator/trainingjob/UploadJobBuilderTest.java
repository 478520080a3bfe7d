package dev.kiln.operator.trainingjob;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.Output;
import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.operator.OperatorConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The follow-up Job that copies a run's model to spec.output.uri. */
class UploadJobBuilderTest {
  static final OperatorConfig CONFIG = OperatorConfig.fromMap(Map.of());

  @Test
  void uploadsTheWorkspaceModelDirToS3WithTheOutputCredentialsOnly() {
    TrainingJob tj = TrainingJobFixtures.trainingJob("iris");
    tj.getSpec()
        .setOutput(
            Output.builder().uri("s3://models/iris/run-42/").credentialsSecret("s3-creds").build());
    Job job = UploadJobBuilder.build(tj, CONFIG);
    Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);

    assertThat(job.getMetadata().getName()).isEqualTo("iris-upload");
    assertThat(job.getMetadata().getOwnerReferences().get(0).getController()).isTrue();
    assertThat(c.getImage()).isEqualTo(OperatorConfig.fromMap(Map.of()).loaderImage());
    assertThat(c.getArgs()).containsExactly("upload", "/kiln/model", "s3://models/iris/run-42/");
    assertThat(c.getEnvFrom())
        .singleElement()
        .satisfies(e -> assertThat(e.getSecretRef().getName()).isEqualTo("s3-creds"));
    assertThat(c.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/kiln/model");
              assertThat(m.getSubPath()).isEqualTo("model");
              assertThat(m.getReadOnly()).isTrue();
            });
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(job.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot())
        .isTrue();
  }

  @Test
  void theUploadRunsUnderTheRunsServiceAccountSoAWebIdentityReachesIt() {
    TrainingJob tj = TrainingJobFixtures.trainingJob("iris");
    tj.getSpec().setServiceAccountName("trainer-irsa");
    tj.getSpec().setOutput(Output.builder().uri("s3://models/iris/").build());

    var pod = UploadJobBuilder.build(tj, CONFIG).getSpec().getTemplate().getSpec();
    var inspect = InspectJobBuilder.build(tj, CONFIG, null).getSpec().getTemplate().getSpec();

    assertThat(pod.getServiceAccountName()).isEqualTo("trainer-irsa");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    // The inspection reads only the workspace: it needs no identity.
    assertThat(inspect.getServiceAccountName()).isNull();
  }

  @Test
  void copiesOntoAnotherClaimForAPvcOutput() {
    TrainingJob tj = TrainingJobFixtures.trainingJob("iris");
    tj.getSpec().setOutput(Output.builder().uri("pvc://models/iris/42").build());
    Container c =
        UploadJobBuilder.build(tj, CONFIG).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getArgs()).containsExactly("download", "/kiln/model", "/mnt/pvc/models/iris/42");
    assertThat(c.getEnvFrom()).isNullOrEmpty();
  }

  @Test
  void theUploadedUriIsTheOutputJoinedWithTheModelFile() {
    assertThat(UploadJobBuilder.uploadedUri("s3://m/iris/", "model.onnx"))
        .isEqualTo("s3://m/iris/model.onnx");
    assertThat(UploadJobBuilder.uploadedUri("s3://m/iris", null)).isEqualTo("s3://m/iris");
  }
}
