package dev.kiln.operator.support;

import dev.kiln.api.v1alpha1.PodOverrides;
import dev.kiln.api.v1alpha1.PodSecurityLevel;
import dev.kiln.api.v1alpha1.PodVolumeMount;
import dev.kiln.api.v1alpha1.Validation;
import dev.kiln.api.v1alpha1.WorkloadSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks spec.pod for both kinds: every rule of the CRD again, for objects admitted without CEL or
 * under an older CRD (the core Volume's own rules, one type per volume, are CoreFieldRules'). Each
 * problem names its field, with the list index, e.g. {@code spec.pod.volumeMounts[1].mountPath}.
 */
public final class PodOverridesValidator {
  private static final String PREFIX = "spec.pod";
  private static final int MAX_PREFIX = 253;

  private PodOverridesValidator() {}

  /** The problems with spec.pod, added to {@code problems}. */
  public static void check(WorkloadSpec spec, List<String> problems) {
    PodOverrides pod = spec.getPod();
    if (pod == null) {
      return;
    }
    keys("labels", pod.getLabels(), PodOverrides.RESERVED_LABEL, problems);
    keys("annotations", pod.getAnnotations(), PodOverrides.RESERVED_ANNOTATION, problems);
    labelValues(pod.getLabels(), problems);
    boolean baseline = pod.getSecurityLevel() == PodSecurityLevel.baseline;
    Set<String> volumeNames = volumes(pod.getVolumes(), baseline, problems);
    mounts(pod.getVolumeMounts(), volumeNames, problems);
    sharedMemory(pod.getSharedMemory(), problems);
    subdomain("runtimeClassName", pod.getRuntimeClassName(), problems);
    subdomain("schedulerName", pod.getSchedulerName(), problems);
    id("runAsUser", pod.getRunAsUser(), problems);
    id("runAsGroup", pod.getRunAsGroup(), problems);
    id("fsGroup", pod.getFsGroup(), problems);
    if (Long.valueOf(0).equals(pod.getRunAsUser()) && !baseline) {
      problems.add(
          PREFIX
              + ".runAsUser: 0 runs the containers as root, which needs"
              + " spec.pod.securityLevel: baseline");
    }
  }

  private static void keys(
      String field, Map<String, String> map, String reserved, List<String> problems) {
    if (map == null) {
      return;
    }
    String path = PREFIX + "." + field;
    if (map.size() > PodOverrides.MAX_METADATA) {
      problems.add(path + ": at most " + PodOverrides.MAX_METADATA + " keys, has " + map.size());
    }
    for (Map.Entry<String, String> e : map.entrySet()) {
      String key = e.getKey();
      if (!qualifiedName(key)) {
        problems.add(
            path
                + ": key '"
                + key
                + "' is not a valid key (an optional DNS subdomain"
                + " prefix and '/', then a name of at most 63 letters, digits, '-', '_' or '.')");
      } else if (found(reserved, key)) {
        problems.add(path + ": key '" + key + "' is set by Kiln or Kubernetes; choose another");
      }
      if (e.getValue() != null && e.getValue().length() > PodOverrides.MAX_ANNOTATION_VALUE) {
        problems.add(
            path + "." + key + ": at most " + PodOverrides.MAX_ANNOTATION_VALUE + " characters");
      }
    }
  }

  private static boolean qualifiedName(String key) {
    if (key == null || !key.matches(PodOverrides.QUALIFIED_NAME)) {
      return false;
    }
    int slash = key.indexOf('/');
    return slash <= MAX_PREFIX;
  }

  private static void labelValues(Map<String, String> labels, List<String> problems) {
    if (labels == null) {
      return;
    }
    labels.forEach(
        (key, value) -> {
          String v = Objects.requireNonNullElse(value, "");
          if (v.length() > Validation.MAX_NAME || !v.matches(PodOverrides.LABEL_VALUE)) {
            problems.add(
                PREFIX
                    + ".labels."
                    + key
                    + ": '"
                    + v
                    + "' is not a valid label value"
                    + " (at most 63 letters, digits, '-', '_' or '.', alphanumeric at both ends)");
          }
        });
  }

  /** Checks the volumes; returns the names a mount may use. */
  private static Set<String> volumes(
      List<Volume> volumes, boolean baseline, List<String> problems) {
    Set<String> names = new HashSet<>();
    if (volumes == null) {
      return names;
    }
    size("volumes", volumes, problems);
    for (int i = 0; i < volumes.size(); i++) {
      Volume v = volumes.get(i);
      String path = PREFIX + ".volumes[" + i + "]";
      String name = v.getName();
      if (name == null || name.isEmpty()) {
        problems.add(path + ".name: is required");
      } else if (name.length() > Validation.MAX_NAME || !name.matches(Validation.DNS1123_LABEL)) {
        problems.add(
            path
                + ".name: '"
                + name
                + "' must be a DNS label (at most 63 of a-z, 0-9"
                + " and '-')");
      } else if (PodOverrides.RESERVED_VOLUMES.contains(name)
          || name.startsWith(PodOverrides.RESERVED_VOLUME_PREFIX)) {
        problems.add(
            path
                + ".name: '"
                + name
                + "' is the name of one of Kiln's volumes ("
                + String.join(", ", PodOverrides.RESERVED_VOLUMES)
                + ", kiln-…); choose another");
      } else if (!names.add(name)) {
        problems.add(path + ".name: '" + name + "' is used by another volume");
      }
      if (v.getHostPath() != null) {
        problems.add(path + ".hostPath: not allowed: it needs the privileged Pod Security level");
      } else if (!baseline && !restrictedType(v)) {
        problems.add(
            path
                + ": the restricted security level admits only configMap, csi,"
                + " downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret"
                + " volumes; set spec.pod.securityLevel: baseline for other types");
      }
    }
    return names;
  }

  private static boolean restrictedType(Volume v) {
    return v.getConfigMap() != null
        || v.getCsi() != null
        || v.getDownwardAPI() != null
        || v.getEmptyDir() != null
        || v.getEphemeral() != null
        || v.getPersistentVolumeClaim() != null
        || v.getProjected() != null
        || v.getSecret() != null;
  }

  private static void mounts(
      List<PodVolumeMount> mounts, Set<String> volumeNames, List<String> problems) {
    if (mounts == null) {
      return;
    }
    size("volumeMounts", mounts, problems);
    Set<String> paths = new HashSet<>();
    for (int i = 0; i < mounts.size(); i++) {
      PodVolumeMount m = mounts.get(i);
      String path = PREFIX + ".volumeMounts[" + i + "]";
      if (m.getName() == null || !volumeNames.contains(m.getName())) {
        problems.add(path + ".name: '" + m.getName() + "' is not a volume of spec.pod.volumes");
      }
      String mountPath = m.getMountPath();
      if (mountPath == null || !mountPath.startsWith("/")) {
        problems.add(path + ".mountPath: '" + mountPath + "' must be an absolute path");
      } else if (mountPath.length() > PodVolumeMount.MAX_PATH
          || found(PodOverrides.DOT_SEGMENT, mountPath)) {
        problems.add(
            path
                + ".mountPath: '"
                + mountPath
                + "' must not have '.' or '..' segments"
                + " and be at most "
                + PodVolumeMount.MAX_PATH
                + " characters");
      } else if (found(PodOverrides.RESERVED_MOUNT_PATH, mountPath)) {
        problems.add(
            path
                + ".mountPath: '"
                + mountPath
                + "' is Kiln's (/kiln, /etc/kiln,"
                + " /var/run/kiln, /run/kiln, /dev/shm, /dev/termination-log and /tmp are reserved;"
                + " use spec.pod.sharedMemory for /dev/shm)");
      } else if (!paths.add(mountPath)) {
        problems.add(path + ".mountPath: '" + mountPath + "' is used by another mount");
      }
      if (m.getSubPath() != null && m.getSubPathExpr() != null) {
        problems.add(path + ": set at most one of subPath and subPathExpr");
      }
    }
  }

  /** CEL's matches(): true when the expression matches somewhere in the text. */
  private static boolean found(String regex, String text) {
    return Pattern.compile(regex).matcher(text).find();
  }

  private static void size(String field, List<?> list, List<String> problems) {
    if (list.size() > PodOverrides.MAX_VOLUMES) {
      problems.add(
          PREFIX
              + "."
              + field
              + ": at most "
              + PodOverrides.MAX_VOLUMES
              + " items, has "
              + list.size());
    }
  }

  private static void sharedMemory(String size, List<String> problems) {
    if (size == null) {
      return;
    }
    try {
      if (!size.matches(Validation.STORAGE_QUANTITY)
          || Quantity.getAmountInBytes(new Quantity(size)).signum() <= 0) {
        problems.add(PREFIX + ".sharedMemory: '" + size + "' must be a positive size, e.g. 2Gi");
      }
    } catch (RuntimeException e) {
      problems.add(PREFIX + ".sharedMemory: '" + size + "' must be a positive size, e.g. 2Gi");
    }
  }

  private static void subdomain(String field, String value, List<String> problems) {
    if (value != null
        && (value.length() > Validation.MAX_SUBDOMAIN
            || !value.matches(Validation.DNS1123_SUBDOMAIN))) {
      problems.add(PREFIX + "." + field + ": '" + value + "' must be a DNS subdomain");
    }
  }

  private static void id(String field, Long value, List<String> problems) {
    if (value != null && (value < 0 || value > PodOverrides.MAX_ID)) {
      problems.add(
          PREFIX + "." + field + ": " + value + " must be between 0 and " + PodOverrides.MAX_ID);
    }
  }
}
