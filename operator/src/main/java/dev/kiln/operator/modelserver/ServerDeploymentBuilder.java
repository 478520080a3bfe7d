package dev.kiln.operator.modelserver;

import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerSpec;
import dev.kiln.api.v1alpha1.ServedModel;
import dev.kiln.api.v1alpha1.ServerHealth;
import dev.kiln.api.v1alpha1.StorageUri;
import dev.kiln.operator.OperatorConfig;
import dev.kiln.operator.support.KilnLabels;
import dev.kiln.operator.support.LoaderSettings;
import dev.kiln.operator.support.PodOverlay;
import dev.kiln.operator.support.PodSecurity;
import dev.kiln.operator.support.Volumes;
import dev.kiln.operator.support.WorkloadPods;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the Deployment that serves a ModelServer's model: the server container (ports http and,
 * when it has one, grpc; Open Inference Protocol probes or spec.health's paths, the model as
 * KILN_MODEL_DIR), the model delivered by a read-only PVC mount or by the loader init container,
 * the pod overrides (spec.pod) at their security level, and a surge-only rolling update so the old
 * model serves until the new one is ready. Pure: the same inputs always give the same Deployment.
 */
public final class ServerDeploymentBuilder {
  static final String LOADER = "fetch-model";
  private static final String MODEL_STORE = "/kiln/model-store";
  private static final String MODEL_DIR = "/kiln/model";

  /** Pod-template annotations naming the model, so a new model is a new template (a roll-out). */
  public static final String MODEL_URI = KilnLabels.KILN + "model-uri";

  public static final String MODEL_SHA256 = KilnLabels.KILN + "model-sha256";

  /** A hash of the pod template, also on every pod: tells new pods from old during a roll-out. */
  public static final String TEMPLATE_HASH = KilnLabels.KILN + "template-hash";

  static final String MODEL_VOLUME = "model";
  static final String TMP_VOLUME = "tmp";

  private ServerDeploymentBuilder() {}

  /** The Deployment serving {@code model}; the images come from the operator's configuration. */
  public static Deployment build(ModelServer ms, ServedModel model, OperatorConfig config) {
    return SpecHash.stamp(
        new DeploymentBuilder()
            .withMetadata(ModelServerNames.metadata(ms, ModelServerNames.SERVER))
            .withNewSpec()
            .withReplicas(ServerReplicas.replicas(ms))
            .withNewSelector()
            .withMatchLabels(ModelServerNames.selector(ms))
            .endSelector()
            .withRevisionHistoryLimit(3)
            .withNewStrategy()
            .withType("RollingUpdate")
            .withNewRollingUpdate()
            .withMaxUnavailable(new IntOrString(0))
            .withMaxSurge(new IntOrString(1))
            .endRollingUpdate()
            .endStrategy()
            .withTemplate(template(ms, model, config))
            .endSpec()
            .build());
  }

  private static PodTemplateSpec template(
      ModelServer ms, ServedModel model, OperatorConfig config) {
    Map<String, String> labels =
        new LinkedHashMap<>(ModelServerNames.labels(ms, ModelServerNames.SERVER));
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(MODEL_URI, StorageUri.redacted(model.getUri()));
    if (model.getSha256() != null) {
      annotations.put(MODEL_SHA256, model.getSha256());
    }
    PodTemplateSpec template =
        new PodTemplateSpecBuilder()
            .withNewMetadata()
            .withLabels(PodOverlay.labels(labels, ms.getSpec()))
            .withAnnotations(PodOverlay.annotations(annotations, ms.getSpec()))
            .endMetadata()
            .withSpec(podSpec(ms, model, config))
            .build();
    String hash = SpecHash.hash(template);
    template.getMetadata().getAnnotations().put(TEMPLATE_HASH, hash);
    return template;
  }

  private static PodSpec podSpec(ModelServer ms, ServedModel model, OperatorConfig config) {
    ModelLocation location = ModelLocation.of(model.getUri());
    List<Container> init = new ArrayList<>();
    if (!location.onClaim()) {
      init.add(loader(ms, model, config));
    }
    Volume modelVolume =
        location.onClaim()
            ? Volumes.claim(MODEL_VOLUME, location.claim().get(), true)
            : Volumes.emptyDir(MODEL_VOLUME);
    // Security, service account and scheduling as for training pods (no API token by default).
    return WorkloadPods.podSpec(ms.getSpec(), config.podIdentity())
        .withInitContainers(init)
        .withContainers(server(ms, model, location, config))
        .withVolumes(modelVolume, Volumes.emptyDir(TMP_VOLUME))
        .addAllToVolumes(PodOverlay.volumes(ms.getSpec()))
        // The reference server drains for up to 20 s after SIGTERM.
        .withTerminationGracePeriodSeconds(30L)
        .build();
  }

  private static Container server(
      ModelServer ms, ServedModel model, ModelLocation location, OperatorConfig config) {
    ModelServerSpec spec = ms.getSpec();
    int port = ModelServerNames.port(ms);
    return new ContainerBuilder()
        .withName(ModelServerNames.SERVER)
        .withImage(spec.getImage() == null ? config.modelServerImage() : spec.getImage())
        .withCommand(spec.getCommand())
        .withArgs(spec.getArgs())
        .withEnv(serverEnv(ms, model, location))
        .withEnvFrom(spec.getEnvFrom())
        .withResources(spec.getResources())
        .withPorts(ports(ms))
        .withVolumeMounts(
            Volumes.mount(MODEL_VOLUME, location.onClaim() ? MODEL_STORE : MODEL_DIR, true),
            Volumes.mount(TMP_VOLUME, "/tmp", false))
        .addAllToVolumeMounts(PodOverlay.mainContainerMounts(spec))
        // Loading a large model can take minutes: liveness only counts once the server is up.
        .withStartupProbe(probe(livenessPath(ms), port, 5, 120))
        .withReadinessProbe(probe(readinessPath(ms), port, 5, 3))
        .withLivenessProbe(probe(livenessPath(ms), port, 10, 3))
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        // A server writes only to its /tmp emptyDir, whoever built the image: read-only root
        // unless spec.pod.readOnlyRootFilesystem says otherwise.
        .withSecurityContext(PodSecurity.userContainer(spec, PodSecurity.readOnlyRoot(spec, true)))
        .build();
  }

  /** http on spec.port, and grpc when the server has a gRPC port. */
  private static List<ContainerPort> ports(ModelServer ms) {
    List<ContainerPort> ports = new ArrayList<>();
    ports.add(port(ModelServerNames.PORT_NAME, ModelServerNames.port(ms)));
    ModelServerNames.grpcPort(ms)
        .ifPresent(p -> ports.add(port(ModelServerNames.GRPC_PORT_NAME, p)));
    return ports;
  }

  private static ContainerPort port(String name, int number) {
    return new ContainerPortBuilder()
        .withName(name)
        .withContainerPort(number)
        .withProtocol("TCP")
        .build();
  }

  /** Kiln's variables (the pod contract), then the user's. */
  private static List<EnvVar> serverEnv(ModelServer ms, ServedModel model, ModelLocation location) {
    String port = Integer.toString(ModelServerNames.port(ms));
    List<EnvVar> env = new ArrayList<>();
    env.add(env("KILN_MODEL_DIR", location.onClaim() ? claimDir(location) : MODEL_DIR));
    env.add(env("KILN_MODEL_NAME", ms.getMetadata().getName()));
    env.add(env("KILN_MODEL_FORMAT", model.getFormat()));
    env.add(env("KILN_PORT", port));
    env.add(env("PORT", port));
    ModelServerNames.grpcPort(ms)
        .ifPresent(p -> env.add(env("KILN_GRPC_PORT", Integer.toString(p))));
    if (ms.getSpec().getEnv() != null) {
      env.addAll(ms.getSpec().getEnv());
    }
    return env;
  }

  private static Container loader(ModelServer ms, ServedModel model, OperatorConfig config) {
    ContainerBuilder loader =
        new ContainerBuilder()
            .withName(LOADER)
            .withImage(config.loaderImage())
            .withArgs("download", model.getUri(), MODEL_DIR)
            .withVolumeMounts(
                Volumes.mount(MODEL_VOLUME, MODEL_DIR, false),
                Volumes.mount(TMP_VOLUME, "/tmp", false))
            .withResources(LoaderSettings.resources())
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .withSecurityContext(PodSecurity.container(true));
    String secret = ms.getSpec().getModel().getCredentialsSecret();
    if (secret != null) {
      // Only the loader sees the storage credentials; the server never does.
      loader.withEnvFrom(LoaderSettings.credentials(secret));
    }
    return loader.build();
  }

  /**
   * The readiness probe's path: spec.health.readinessPath, else its livenessPath (a server with one
   * health endpoint), else the Open Inference Protocol's.
   */
  static String readinessPath(ModelServer ms) {
    ServerHealth health = ms.getSpec().getHealth();
    if (health == null) {
      return ServerHealth.DEFAULT_READINESS_PATH;
    }
    return Objects.requireNonNullElse(
        health.getReadinessPath(),
        Objects.requireNonNullElse(health.getLivenessPath(), ServerHealth.DEFAULT_READINESS_PATH));
  }

  /** The liveness and startup probes' path, chosen the same way the other way round. */
  static String livenessPath(ModelServer ms) {
    ServerHealth health = ms.getSpec().getHealth();
    if (health == null) {
      return ServerHealth.DEFAULT_LIVENESS_PATH;
    }
    return Objects.requireNonNullElse(
        health.getLivenessPath(),
        Objects.requireNonNullElse(health.getReadinessPath(), ServerHealth.DEFAULT_LIVENESS_PATH));
  }

  /** KILN_MODEL_DIR for a model on a claim: the folder holding it under the read-only mount. */
  static String claimDir(ModelLocation location) {
    String dir = location.directoryInClaim();
    return dir.isEmpty() ? MODEL_STORE : MODEL_STORE + "/" + dir;
  }

  private static Probe probe(String path, int port, int period, int failures) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString(port))
        .endHttpGet()
        .withPeriodSeconds(period)
        .withTimeoutSeconds(2)
        .withFailureThreshold(failures)
        .build();
  }

  private static EnvVar env(String name, String value) {
    return new EnvVarBuilder()
        .withName(name)
        .withValue(Objects.requireNonNullElse(value, ""))
        .build();
  }
}
