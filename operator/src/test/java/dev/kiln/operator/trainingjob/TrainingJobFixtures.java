package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.TrainingJobSpec;
import dev.kiln.operator.OperatorConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.Map;
import java.util.function.Consumer;

/** TrainingJobs as a user would write them, and lookups into what Kiln builds from them. */
final class TrainingJobFixtures {
  static final String NAMESPACE = "ml-team";
  static final String UID = "6f1c2b9e-4d7a-4c1e-9a51-0d3e8b7f2a10";
  static final String IMAGE = "registry.example/ml/mnist-trainer:1.4";
  static final String REPORT_URL = "https://kiln-operator.kiln-system.svc:8081/";
  static final String LOADER_IMAGE = "registry.example/kiln/loader:test";

  /** A config whose values differ from the built-in defaults, so a test can tell them apart. */
  static final OperatorConfig CONFIG =
      OperatorConfig.fromMap(
          Map.of(
              "KILN_REPORT_URL",
              REPORT_URL,
              "KILN_LOADER_IMAGE",
              LOADER_IMAGE,
              "KILN_DEFAULT_BACKOFF_LIMIT",
              "7",
              "KILN_DEFAULT_WORKSPACE_SIZE",
              "25Gi"));

  private TrainingJobFixtures() {}

  /** A minimal TrainingJob: name, namespace, uid and image. */
  static TrainingJob trainingJob(String name) {
    return trainingJob(name, spec -> {});
  }

  static TrainingJob trainingJob(String name, Consumer<TrainingJobSpec> customize) {
    TrainingJob tj = new TrainingJob();
    tj.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).withUid(UID).build());
    TrainingJobSpec spec = new TrainingJobSpec();
    spec.setImage(IMAGE);
    customize.accept(spec);
    tj.setSpec(spec);
    return tj;
  }

  static Container container(PodSpec pod, String name) {
    return java.util.stream.Stream.concat(
            pod.getInitContainers().stream(), pod.getContainers().stream())
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container " + name + " in the pod"));
  }

  static EnvVar env(Container container, String name) {
    return container.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no env " + name + " on container " + container.getName()));
  }
}
