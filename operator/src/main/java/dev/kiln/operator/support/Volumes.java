package dev.kiln.operator.support;

import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;

/** Volumes and mounts as Kiln's pods use them; readOnly is left unset unless true. */
public final class Volumes {
  private Volumes() {}

  public static VolumeMount mount(String volume, String path, boolean readOnly) {
    return mount(volume, path, null, readOnly);
  }

  /** A mount of {@code subPath} of the volume (null: all of it) at {@code path}. */
  public static VolumeMount mount(String volume, String path, String subPath, boolean readOnly) {
    return new VolumeMountBuilder()
        .withName(volume)
        .withMountPath(path)
        .withSubPath(subPath)
        .withReadOnly(readOnly ? true : null)
        .build();
  }

  public static Volume claim(String volume, String claimName, boolean readOnly) {
    return new VolumeBuilder()
        .withName(volume)
        .withNewPersistentVolumeClaim(claimName, readOnly)
        .build();
  }

  public static Volume emptyDir(String volume) {
    return new VolumeBuilder().withName(volume).withNewEmptyDir().endEmptyDir().build();
  }
}
