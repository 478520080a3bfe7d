package dev.kiln.operator.modelserver;

import static dev.kiln.operator.modelserver.ServerDeploymentBuilderTest.build;
import static dev.kiln.operator.modelserver.ServerDeploymentBuilderTest.env;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.PodOverrides;
import dev.kiln.api.v1alpha1.PodSecurityLevel;
import dev.kiln.api.v1alpha1.PodVolumeMount;
import dev.kiln.api.v1alpha1.ServedModel;
import dev.kiln.api.v1alpha1.ServerHealth;
import dev.kiln.operator.support.PodSecurity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A custom server image's contract (probes, model format) and what spec.pod adds to its pods. */
class ServerPodOverridesTest {
  private static final ServedModel S3_PKL =
      ServedModel.builder().uri("s3://models/iris/model.pkl").format("pkl").build();

  private static ModelServer custom() {
    ModelServer ms = ModelServers.fromUri("iris", "s3://models/iris/model.pkl");
    ms.getSpec().setImage("registry.example/ml/fastapi-server:1");
    return ms;
  }

  private static PodSpec pod(Deployment d) {
    return d.getSpec().getTemplate().getSpec();
  }

  private static Container server(Deployment d) {
    return pod(d).getContainers().get(0);
  }

  private static Container loader(Deployment d) {
    return pod(d).getInitContainers().get(0);
  }

  @Test
  void anEmptyPodSectionLeavesTheDeploymentAndItsTemplateHashAsTheyWere() {
    ModelServer plain = ModelServers.fromJob("iris", "iris");
    ModelServer empty = ModelServers.fromJob("iris", "iris");
    empty.getSpec().setPod(new PodOverrides());

    assertThat(build(empty, ModelServers.pvcModel()))
        .as("no roll-out of existing servers")
        .isEqualTo(build(plain, ModelServers.pvcModel()));
  }

  @Test
  void withoutHealthTheProbesAskTheOpenInferenceProtocolPaths() {
    Container server = server(build(custom(), S3_PKL));

    assertThat(server.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/v2/health/ready");
    assertThat(server.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/v2/health/live");
    assertThat(server.getStartupProbe().getHttpGet().getPath()).isEqualTo("/v2/health/live");
  }

  @Test
  void aCustomServersHealthPathsDriveItsProbesAndTheStartupProbeUsesLiveness() {
    ModelServer ms = custom();
    ms.getSpec().setHealth(new ServerHealth("/ready", "/health"));
    Container server = server(build(ms, S3_PKL));

    assertThat(server.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
    assertThat(server.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health");
    assertThat(server.getStartupProbe().getHttpGet().getPath()).isEqualTo("/health");
    assertThat(server.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(8080);
  }

  @Test
  void aServerWithOneHealthEndpointNamesItOnceForEveryProbe() {
    ModelServer ms = custom();
    ms.getSpec().setHealth(new ServerHealth("/health", null));
    Container server = server(build(ms, S3_PKL));

    assertThat(server.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health");
    assertThat(server.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health");
    assertThat(server.getStartupProbe().getHttpGet().getPath()).isEqualTo("/health");
    ms.getSpec().setHealth(new ServerHealth(null, "/healthz"));
    assertThat(server(build(ms, S3_PKL)).getReadinessProbe().getHttpGet().getPath())
        .isEqualTo("/healthz");
  }

  @Test
  void aCustomServerGetsTheModelsFormatWhereItIsAndItsPortWithAReadOnlyRoot() {
    Deployment d = build(custom(), S3_PKL);
    Container server = server(d);

    assertThat(env(server))
        .containsEntry("KILN_MODEL_FORMAT", "pkl")
        .containsEntry("KILN_MODEL_DIR", "/kiln/model")
        .containsEntry("KILN_MODEL_NAME", "iris")
        .containsEntry("KILN_PORT", "8080")
        .containsEntry("PORT", "8080");
    assertThat(server.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(server.getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
  }

  @Test
  void podOverridesReachTheServerPodsAndOnlyTheServerContainerMountsThem() {
    Volume cache = new VolumeBuilder().withName("cache").withNewEmptyDir().endEmptyDir().build();
    ModelServer ms = custom();
    ms.getSpec()
        .setPod(
            PodOverrides.builder()
                .labels(Map.of("sidecar.istio.io/inject", "false"))
                .annotations(Map.of("prometheus.io/scrape", "true"))
                .volumes(List.of(cache))
                .volumeMounts(
                    List.of(PodVolumeMount.builder().name("cache").mountPath("/cache").build()))
                .sharedMemory("1Gi")
                .runtimeClassName("gvisor")
                .build());
    Deployment d = build(ms, S3_PKL);
    var template = d.getSpec().getTemplate().getMetadata();

    assertThat(template.getLabels()).containsEntry("sidecar.istio.io/inject", "false");
    assertThat(d.getSpec().getSelector().getMatchLabels())
        .doesNotContainKey("sidecar.istio.io/inject");
    assertThat(template.getAnnotations())
        .containsEntry("prometheus.io/scrape", "true")
        .containsKeys(ServerDeploymentBuilder.MODEL_URI, ServerDeploymentBuilder.TEMPLATE_HASH);
    assertThat(pod(d).getRuntimeClassName()).isEqualTo("gvisor");
    assertThat(pod(d).getVolumes()).extracting(Volume::getName).contains("cache", "dshm");
    assertThat(
            pod(d).getVolumes().stream()
                .filter(v -> v.getName().equals("dshm"))
                .findFirst()
                .orElseThrow()
                .getEmptyDir()
                .getSizeLimit())
        .isEqualTo(new Quantity("1Gi"));
    assertThat(server(d).getVolumeMounts())
        .extracting(VolumeMount::getMountPath)
        .contains("/cache", "/dev/shm");
    assertThat(loader(d).getVolumeMounts())
        .extracting(VolumeMount::getName)
        .doesNotContain("cache", "dshm");
  }

  @Test
  void podOverridesChangeTheTemplateHashSoTheServerRollsOut() {
    ModelServer ms = custom();
    Deployment before = build(ms, S3_PKL);
    ms.getSpec().setPod(PodOverrides.builder().sharedMemory("1Gi").build());

    assertThat(build(ms, S3_PKL).getSpec().getTemplate().getMetadata().getAnnotations())
        .doesNotContainEntry(
            ServerDeploymentBuilder.TEMPLATE_HASH,
            before
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get(ServerDeploymentBuilder.TEMPLATE_HASH));
  }

  @Test
  void baselineLetsTheServerRunAsRootWhileTheModelDownloadStaysRestricted() {
    ModelServer ms = custom();
    ms.getSpec()
        .setPod(
            PodOverrides.builder().securityLevel(PodSecurityLevel.baseline).runAsUser(0L).build());
    Deployment d = build(ms, S3_PKL);

    assertThat(PodSecurity.levelOf(pod(d))).isEqualTo(PodSecurityLevel.baseline);
    assertThat(server(d).getSecurityContext().getRunAsNonRoot()).isNull();
    assertThat(server(d).getSecurityContext().getRunAsUser()).isZero();
    assertThat(server(d).getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(loader(d).getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(PodSecurity.levelOf(pod(build(custom(), S3_PKL))))
        .isEqualTo(PodSecurityLevel.restricted);
  }
}
