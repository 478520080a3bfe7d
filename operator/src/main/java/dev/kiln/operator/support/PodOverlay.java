package dev.kiln.operator.support;

import dev.kiln.api.v1alpha1.PodOverrides;
import dev.kiln.api.v1alpha1.PodVolumeMount;
import dev.kiln.api.v1alpha1.WorkloadSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What spec.pod adds to a pod Kiln builds: labels and annotations after Kiln's, volumes and mounts
 * after Kiln's, and the memory-backed /dev/shm. Pure. Kiln's own keys and names win should a
 * reserved one get through (the validator refuses them before a pod is built).
 */
public final class PodOverlay {
  /** The volume of spec.pod.sharedMemory, mounted at /dev/shm. */
  public static final String SHARED_MEMORY = "dshm";

  public static final String SHARED_MEMORY_PATH = "/dev/shm";

  private PodOverlay() {}

  /** Kiln's labels, then the user's. */
  public static Map<String, String> labels(Map<String, String> kiln, WorkloadSpec spec) {
    return merge(kiln, overrides(spec, PodOverrides::getLabels));
  }

  /** Kiln's annotations, then the user's. */
  public static Map<String, String> annotations(Map<String, String> kiln, WorkloadSpec spec) {
    return merge(kiln, overrides(spec, PodOverrides::getAnnotations));
  }

  /** The user's volumes and the shared-memory volume, to follow Kiln's own. */
  public static List<Volume> volumes(WorkloadSpec spec) {
    List<Volume> volumes =
        new ArrayList<>(overrides(spec, PodOverrides::getVolumes, List.<Volume>of()));
    sharedMemory(spec)
        .ifPresent(
            size ->
                volumes.add(
                    new VolumeBuilder()
                        .withName(SHARED_MEMORY)
                        .withNewEmptyDir()
                        .withMedium("Memory")
                        .withSizeLimit(new Quantity(size))
                        .endEmptyDir()
                        .build()));
    return volumes;
  }

  /** The user's mounts and /dev/shm, to follow Kiln's own in the main container. */
  public static List<VolumeMount> mainContainerMounts(WorkloadSpec spec) {
    List<VolumeMount> mounts = new ArrayList<>();
    for (PodVolumeMount m :
        overrides(spec, PodOverrides::getVolumeMounts, List.<PodVolumeMount>of())) {
      mounts.add(
          new VolumeMountBuilder()
              .withName(m.getName())
              .withMountPath(m.getMountPath())
              .withReadOnly(m.getReadOnly())
              .withSubPath(m.getSubPath())
              .withSubPathExpr(m.getSubPathExpr())
              .withMountPropagation(
                  m.getMountPropagation() == null ? null : m.getMountPropagation().name())
              .build());
    }
    sharedMemory(spec)
        .ifPresent(size -> mounts.add(Volumes.mount(SHARED_MEMORY, SHARED_MEMORY_PATH, false)));
    return mounts;
  }

  /** spec.pod.runtimeClassName, or null. */
  public static String runtimeClassName(WorkloadSpec spec) {
    return overrides(spec, PodOverrides::getRuntimeClassName);
  }

  /** spec.pod.schedulerName, or null. */
  public static String schedulerName(WorkloadSpec spec) {
    return overrides(spec, PodOverrides::getSchedulerName);
  }

  private static Optional<String> sharedMemory(WorkloadSpec spec) {
    return Optional.ofNullable(overrides(spec, PodOverrides::getSharedMemory));
  }

  private static Map<String, String> merge(Map<String, String> kiln, Map<String, String> user) {
    Map<String, String> merged = new LinkedHashMap<>(kiln);
    if (user != null) {
      user.forEach(merged::putIfAbsent);
    }
    return merged;
  }

  private static <T> T overrides(WorkloadSpec spec, Function<PodOverrides, T> field) {
    return spec == null || spec.getPod() == null ? null : field.apply(spec.getPod());
  }

  private static <T> T overrides(WorkloadSpec spec, Function<PodOverrides, T> field, T absent) {
    return Objects.requireNonNullElse(overrides(spec, field), absent);
  }
}
