package dev.kiln.operator.modelserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.Autoscaling;
import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.PodOverrides;
import dev.kiln.api.v1alpha1.ServedModel;
import dev.kiln.operator.OperatorConfig;
import dev.kiln.operator.support.KilnLabels;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Deployment that serves a model. */
class ServerDeploymentBuilderTest {
  static final OperatorConfig CONFIG =
      OperatorConfig.fromMap(
          Map.of(
              "KILN_MODEL_SERVER_IMAGE", "registry.example/kiln-model-server:1",
              "KILN_LOADER_IMAGE", "registry.example/kiln-loader:1"));

  static Deployment build(ModelServer ms, ServedModel model) {
    return ServerDeploymentBuilder.build(ms, model, CONFIG);
  }

  @Test
  void modelOnAClaimIsMountedReadOnlyAndTheServerPointsAtItsFolder() {
    ModelServer ms = ModelServers.fromJob("iris", "iris");
    Deployment d = build(ms, ModelServers.pvcModel());

    assertThat(d.getMetadata().getName()).isEqualTo("iris");
    assertThat(d.getMetadata().getNamespace()).isEqualTo("team-a");
    PodSpec pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getInitContainers()).isEmpty();
    Volume model = volume(pod, "model");
    assertThat(model.getPersistentVolumeClaim().getClaimName()).isEqualTo("iris-workspace");
    assertThat(model.getPersistentVolumeClaim().getReadOnly()).isTrue();
    Container server = pod.getContainers().get(0);
    assertThat(server.getName()).isEqualTo("server");
    assertThat(server.getImage()).isEqualTo("registry.example/kiln-model-server:1");
    assertThat(server.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo("model");
              assertThat(m.getMountPath()).isEqualTo("/kiln/model-store");
              assertThat(m.getReadOnly()).isTrue();
            });
    assertThat(env(server))
        .containsEntry("KILN_MODEL_DIR", "/kiln/model-store/model")
        .containsEntry("KILN_MODEL_NAME", "iris")
        .containsEntry("KILN_PORT", "8080")
        .containsEntry("PORT", "8080");
  }

  @Test
  void aClaimPathThatIsAFolderIsUsedAsIs() {
    ModelServer ms = ModelServers.fromUri("m", "pvc://models/iris/v3/");
    Container server =
        build(ms, ServedModel.builder().uri("pvc://models/iris/v3/").build())
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(env(server)).containsEntry("KILN_MODEL_DIR", "/kiln/model-store/iris/v3");
    Container bare =
        build(ms, ServedModel.builder().uri("pvc://models").build())
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(env(bare)).containsEntry("KILN_MODEL_DIR", "/kiln/model-store");
  }

  @Test
  void remoteModelIsDownloadedByTheLoaderWhichAloneSeesTheCredentials() {
    ModelServer ms = ModelServers.fromUri("fraud", "s3://models/fraud/v7/model.onnx");
    ms.getSpec().getModel().setCredentialsSecret("s3-creds");
    ms.getSpec()
        .setEnvFrom(
            List.of(
                new EnvFromSourceBuilder().withNewConfigMapRef("server-settings", false).build()));
    Deployment d = build(ms, ServedModel.builder().uri("s3://models/fraud/v7/model.onnx").build());

    PodSpec pod = d.getSpec().getTemplate().getSpec();
    assertThat(volume(pod, "model").getEmptyDir()).isNotNull();
    assertThat(pod.getInitContainers()).hasSize(1);
    Container loader = pod.getInitContainers().get(0);
    assertThat(loader.getName()).isEqualTo("fetch-model");
    assertThat(loader.getImage()).isEqualTo("registry.example/kiln-loader:1");
    assertThat(loader.getArgs())
        .containsExactly("download", "s3://models/fraud/v7/model.onnx", "/kiln/model");
    assertThat(loader.getEnvFrom())
        .singleElement()
        .satisfies(e -> assertThat(e.getSecretRef().getName()).isEqualTo("s3-creds"));

    Container server = pod.getContainers().get(0);
    assertThat(env(server)).containsEntry("KILN_MODEL_DIR", "/kiln/model");
    assertThat(server.getEnvFrom())
        .extracting(e -> e.getSecretRef())
        .as("the server never sees the storage credentials")
        .containsOnlyNulls();
    assertThat(server.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/kiln/model");
              assertThat(m.getReadOnly()).isTrue();
            });
  }

  @Test
  void everyContainerRunsUnderTheRestrictedPodSecurityStandard() {
    for (ModelServer ms :
        List.of(
            ModelServers.fromJob("a", "iris"),
            ModelServers.fromUri("b", "https://models.example/m.onnx"))) {
      ms.getSpec().setImage(ms.getMetadata().getName().equals("b") ? "custom/server:2" : null);
      Deployment d =
          build(
              ms,
              ServedModel.builder()
                  .uri(
                      ms.getSpec().getModel().getUri() == null
                          ? "pvc://c/m"
                          : ms.getSpec().getModel().getUri())
                  .build());
      PodSpec pod = d.getSpec().getTemplate().getSpec();
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(pod.getSecurityContext().getSeccompProfile().getType())
          .isEqualTo("RuntimeDefault");
      assertThat(pod.getAutomountServiceAccountToken()).isFalse();
      List<Container> all = new ArrayList<>(pod.getInitContainers());
      all.addAll(pod.getContainers());
      for (Container c : all) {
        var sc = c.getSecurityContext();
        assertThat(sc.getAllowPrivilegeEscalation()).as(c.getName()).isFalse();
        assertThat(sc.getRunAsNonRoot()).as(c.getName()).isTrue();
        assertThat(sc.getCapabilities().getDrop()).as(c.getName()).containsExactly("ALL");
        assertThat(sc.getSeccompProfile().getType()).as(c.getName()).isEqualTo("RuntimeDefault");
      }
    }
  }

  /**
   * Decided by what a server needs (a temp directory, given as an emptyDir), not by who named the
   * image: Kiln's server left implicit, Kiln's server named explicitly, and a user's server alike.
   */
  @ParameterizedTest
  @ValueSource(strings = {"unset", "kiln's, named", "custom/server:2"})
  void everyServerRunsWithAReadOnlyRootAndAWritableTmp(String image) {
    ModelServer ms = ModelServers.fromJob("iris", "iris");
    ms.getSpec()
        .setImage(
            switch (image) {
              case "unset" -> null;
              case "kiln's, named" -> CONFIG.modelServerImage();
              default -> image;
            });
    Deployment d = build(ms, ModelServers.pvcModel());
    PodSpec pod = d.getSpec().getTemplate().getSpec();
    Container server = pod.getContainers().get(0);
    assertThat(server.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    String tmp =
        server.getVolumeMounts().stream()
            .filter(m -> m.getMountPath().equals("/tmp"))
            .findFirst()
            .orElseThrow()
            .getName();
    assertThat(pod.getVolumes())
        .anySatisfy(v -> assertThat(v.getName()).isEqualTo(tmp))
        .filteredOn(v -> v.getName().equals(tmp))
        .allSatisfy(v -> assertThat(v.getEmptyDir()).isNotNull());
  }

  @Test
  void aServerThatMustWriteToItsRootOptsOutExplicitly() {
    ModelServer ms = ModelServers.fromJob("iris", "iris");
    ms.getSpec().setImage("custom/server:2");
    ms.getSpec().setPod(PodOverrides.builder().readOnlyRootFilesystem(false).build());
    Container server =
        build(ms, ModelServers.pvcModel()).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(server.getSecurityContext().getReadOnlyRootFilesystem()).isFalse();
  }

  @Test
  void probesUseTheOpenInferenceProtocolHealthPathsOnTheServerPort() {
    ModelServer ms = ModelServers.fromJob("iris", "iris");
    ms.getSpec().setPort(9000);
    Container server =
        build(ms, ModelServers.pvcModel()).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(server.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/v2/health/ready");
    assertThat(server.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(9000);
    assertThat(server.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/v2/health/live");
    assertThat(server.getLivenessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(9000);
    assertThat(server.getStartupProbe().getHttpGet().getPath()).isEqualTo("/v2/health/live");
    assertThat(server.getPorts())
        .extracting(p -> p.getName() + "=" + p.getContainerPort())
        .containsExactly("http=9000", "grpc=8081");
    assertThat(env(server)).containsEntry("KILN_PORT", "9000").containsEntry("PORT", "9000");
  }

  @Test
  void theReferenceServerServesGrpcOn8081OrOnTheGrpcPortGiven() {
    ModelServer ms = ModelServers.fromJob("iris", "iris");
    Container server = serverOf(ms);
    assertThat(server.getPorts())
        .filteredOn(p -> p.getName().equals("grpc"))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getContainerPort()).isEqualTo(8081);
              assertThat(p.getProtocol()).isEqualTo("TCP");
            });
    assertThat(env(server)).containsEntry("KILN_GRPC_PORT", "8081");

    ms.getSpec().setGrpcPort(9001);
    server = serverOf(ms);
    assertThat(server.getPorts())
        .extracting(p -> p.getName() + "=" + p.getContainerPort())
        .containsExactly("http=8080", "grpc=9001");
    assertThat(env(server)).containsEntry("KILN_GRPC_PORT", "9001");
  }

  @Test
  void aCustomImageGetsAGrpcPortOnlyWhenItNamesOne() {
    ModelServer ms = ModelServers.fromJob("iris", "iris");
    ms.getSpec().setImage("registry.example/my-server:1");
    Container server = serverOf(ms);
    assertThat(server.getPorts()).extracting(p -> p.getName()).containsExactly("http");
    assertThat(env(server)).doesNotContainKey("KILN_GRPC_PORT");

    ms.getSpec().setGrpcPort(50051);
    server = serverOf(ms);
    assertThat(server.getPorts())
        .extracting(p -> p.getName() + "=" + p.getContainerPort())
        .containsExactly("http=8080", "grpc=50051");
    assertThat(env(server)).containsEntry("KILN_GRPC_PORT", "50051");
  }

  private static Container serverOf(ModelServer ms) {
    return build(ms, ModelServers.pvcModel())
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0);
  }

  @Test
  void rollingUpdateKeepsTheOldModelServingUntilTheNewOneIsReady() {
    Deployment d = build(ModelServers.fromJob("iris", "iris"), ModelServers.pvcModel());
    var strategy = d.getSpec().getStrategy();
    assertThat(strategy.getType()).isEqualTo("RollingUpdate");
    assertThat(strategy.getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
    assertThat(strategy.getRollingUpdate().getMaxSurge().getIntVal()).isEqualTo(1);
  }

  @Test
  void aNewModelChangesThePodTemplateAndTheSameInputsGiveTheSameDeployment() {
    ModelServer ms = ModelServers.fromJob("iris", "iris");
    Deployment first = build(ms, ModelServers.pvcModel());
    Deployment again = build(ms, ModelServers.pvcModel());
    Deployment newer =
        build(
            ms,
            ModelServers.pvcModel().toBuilder()
                .uri("pvc://iris-2-workspace/model/model.onnx")
                .sha256("cd34")
                .build());
    assertThat(again).isEqualTo(first);
    Map<String, String> annotations = first.getSpec().getTemplate().getMetadata().getAnnotations();
    assertThat(annotations)
        .containsEntry("kiln.dev/model-uri", "pvc://iris-workspace/model/model.onnx")
        .containsEntry("kiln.dev/model-sha256", "ab12")
        .containsKey("kiln.dev/template-hash");
    assertThat(newer.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("kiln.dev/model-sha256", "cd34");
    assertThat(SpecHash.of(newer)).isNotEqualTo(SpecHash.of(first));
    assertThat(
            newer
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get("kiln.dev/template-hash"))
        .isNotEqualTo(annotations.get("kiln.dev/template-hash"));
  }

  @Test
  void labelsSelectorAndControllerOwnerReference() {
    Deployment d = build(ModelServers.fromJob("iris", "iris"), ModelServers.pvcModel());
    assertThat(d.getMetadata().getLabels())
        .containsEntry(KilnLabels.MODEL_SERVER, "iris")
        .containsEntry(KilnLabels.MANAGED_BY, "kiln-operator")
        .containsEntry(KilnLabels.PART_OF, "kiln");
    assertThat(d.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getController()).isTrue();
              assertThat(o.getKind()).isEqualTo("ModelServer");
              assertThat(o.getUid()).isEqualTo("uid-iris");
            });
    assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels())
        .containsEntry(KilnLabels.MANAGED_BY, "kiln-operator");
  }

  @Test
  void specFieldsArePassedThrough() {
    ModelServer ms = ModelServers.fromJob("iris", "iris");
    var spec = ms.getSpec();
    spec.setImage("custom/server:2");
    spec.setCommand(List.of("/bin/serve"));
    spec.setArgs(List.of("--threads", "4"));
    spec.setEnv(List.of(new EnvVarBuilder().withName("LOG_LEVEL").withValue("debug").build()));
    spec.setResources(
        new ResourceRequirementsBuilder().withLimits(Map.of("cpu", new Quantity("2"))).build());
    spec.setServiceAccountName("server-sa");
    spec.setNodeSelector(Map.of("pool", "inference"));
    spec.setTolerations(
        List.of(new TolerationBuilder().withKey("gpu").withOperator("Exists").build()));
    spec.setPriorityClassName("high");
    spec.setImagePullSecrets(List.of(new LocalObjectReference("regcred")));
    spec.setReplicas(3);

    Deployment d = build(ms, ModelServers.pvcModel());
    PodSpec pod = d.getSpec().getTemplate().getSpec();
    Container server = pod.getContainers().get(0);
    assertThat(d.getSpec().getReplicas()).isEqualTo(3);
    assertThat(server.getImage()).isEqualTo("custom/server:2");
    assertThat(server.getCommand()).containsExactly("/bin/serve");
    assertThat(server.getArgs()).containsExactly("--threads", "4");
    assertThat(env(server)).containsEntry("LOG_LEVEL", "debug");
    assertThat(server.getResources().getLimits()).containsEntry("cpu", new Quantity("2"));
    assertThat(server.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(pod.getServiceAccountName()).isEqualTo("server-sa");
    assertThat(pod.getAutomountServiceAccountToken()).isNull();
    assertThat(pod.getNodeSelector()).containsEntry("pool", "inference");
    assertThat(pod.getTolerations()).hasSize(1);
    assertThat(pod.getPriorityClassName()).isEqualTo("high");
    assertThat(pod.getImagePullSecrets())
        .extracting(LocalObjectReference::getName)
        .containsExactly("regcred");
  }

  @Test
  void withAutoscalingTheDeploymentStartsAtMinReplicas() {
    ModelServer ms = ModelServers.fromJob("iris", "iris");
    ms.getSpec().setReplicas(5);
    ms.getSpec().setAutoscaling(Autoscaling.builder().minReplicas(2).maxReplicas(6).build());
    assertThat(build(ms, ModelServers.pvcModel()).getSpec().getReplicas()).isEqualTo(2);
  }

  static Map<String, String> env(Container c) {
    return c.getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue, (a, b) -> b));
  }

  static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
