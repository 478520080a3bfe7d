package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.List;
import java.util.Map;
import lombok.AllArgsConstructor;
import lombok.Builder;
import lombok.Data;
import lombok.NoArgsConstructor;

/**
 * What a user may add to the pods Kiln builds: metadata, volumes, shared memory, runtime and
 * scheduler, and the security level. Everything Kiln itself relies on (its labels, volumes and
 * paths) is reserved, so an override can add to a pod but never change what Kiln put there.
 *
 * <p>The regular expressions avoid backslashes ({@code [.]} for a dot), so they read the same in
 * Java, in CEL and in the CRD YAML. The API server bounds the estimated cost of each CEL rule, so
 * every string inside the core Volume type is bounded ({@link CoreTypeSchemas}); a volume name is a
 * DNS label by the schema's pattern and unique because volumes are a list keyed by name. The
 * operator checks every rule again ({@code PodOverridesValidator}) for objects admitted without CEL
 * or under an older CRD.
 */
@ValidationRule(
    value =
        "!has(self.runAsUser) || self.runAsUser != 0"
            + " || (has(self.securityLevel) && self.securityLevel == 'baseline')",
    message = PodOverrides.ROOT_NEEDS_BASELINE)
@ValidationRule(
    value =
        "!has(self.volumeMounts)"
            + " || self.volumeMounts.all(m, has(self.volumes)"
            + " && self.volumes.exists(v, has(v.name) && v.name == m.name))",
    message = PodOverrides.MOUNT_NEEDS_VOLUME)
@ValidationRule(
    value =
        "!has(self.volumes) || (has(self.securityLevel) && self.securityLevel == 'baseline')"
            + " || self.volumes.all(v, has(v.configMap) || has(v.csi) || has(v.downwardAPI)"
            + " || has(v.emptyDir) || has(v.ephemeral) || has(v.persistentVolumeClaim)"
            + " || has(v.projected) || has(v.secret))",
    message = PodOverrides.VOLUME_TYPE_NEEDS_BASELINE)
@Data
@Builder(toBuilder = true)
@NoArgsConstructor
@AllArgsConstructor
public class PodOverrides implements ApiType {
  /** Volume names of Kiln's own pods (training and serving); names starting with kiln- too. */
  public static final List<String> RESERVED_VOLUMES =
      List.of("workspace", "kiln-meta", "report-token", "tmp", "dataset-source", "dshm", "model");

  /** RESERVED_VOLUMES as a CEL list. */
  private static final String RESERVED_VOLUME_LIST =
      "['workspace', 'kiln-meta', 'report-token', 'tmp', 'dataset-source', 'dshm', 'model']";

  /** Kiln's future volumes start with this, so they cannot collide with a user's. */
  public static final String RESERVED_VOLUME_PREFIX = "kiln-";

  /**
   * Mount paths that are Kiln's: anything at or under /kiln, /etc/kiln, /var/run/kiln (and
   * /run/kiln, the same folder in most images), /dev/shm and /dev/termination-log, and /tmp itself.
   */
  public static final String RESERVED_MOUNT_PATH =
      "^/+((kiln|etc/+kiln|var/+run/+kiln|run/+kiln|dev/+shm|dev/+termination-log)(/.*)?|tmp/*)$";

  /** A path segment "." or "..": a mount path must say plainly where it is. */
  public static final String DOT_SEGMENT = "(^|/)[.][.]?(/|$)";

  /**
   * Label keys Kiln sets on its pods or Kubernetes' Job and Deployment controllers do: kiln.dev/…
   * (and any *.kiln.dev/…), the app.kubernetes.io/ labels Kiln uses, batch.kubernetes.io/…,
   * controller-uid, job-name and pod-template-hash.
   */
  public static final String RESERVED_LABEL =
      "^(([^/]*[.])?kiln[.]dev/"
          + "|app[.]kubernetes[.]io/(name|instance|component|part-of|managed-by)$"
          + "|batch[.]kubernetes[.]io/|controller-uid$|job-name$|pod-template-hash$)";

  /** Annotation keys Kiln or the Job controller set: kiln.dev/… and batch.kubernetes.io/…. */
  public static final String RESERVED_ANNOTATION =
      "^(([^/]*[.])?kiln[.]dev/|batch[.]kubernetes[.]io/)";

  /** A label or annotation key: an optional DNS-subdomain prefix and '/', then a name ≤ 63. */
  public static final String QUALIFIED_NAME =
      "^([a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
          + "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$";

  /** A label value: at most 63 characters, alphanumeric at both ends. */
  public static final String LABEL_VALUE = "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$";

  /** A prefix (≤ 253) + '/' + a name (≤ 63). */
  public static final int MAX_QUALIFIED_NAME = 317;

  /** CEL: every key of a label or annotation map is a qualified name. */
  static final String QUALIFIED_KEYS =
      "self.all(k, size(k) <= " + MAX_QUALIFIED_NAME + " && k.matches('" + QUALIFIED_NAME + "'))";

  public static final int MAX_METADATA = 32;
  public static final int MAX_ANNOTATION_VALUE = 2048;
  public static final int MAX_VOLUMES = 32;

  /** The largest UID or GID Kubernetes accepts. */
  public static final long MAX_ID = 2_147_483_647L;

  public static final String ROOT_NEEDS_BASELINE =
      "pod.runAsUser: 0 runs the containers as root, which needs pod.securityLevel: baseline";
  public static final String MOUNT_NEEDS_VOLUME =
      "pod.volumeMounts: every mount must name a volume of pod.volumes";
  public static final String VOLUME_TYPE_NEEDS_BASELINE =
      "pod.volumes: the restricted security level admits only configMap, csi, downwardAPI,"
          + " emptyDir, ephemeral, persistentVolumeClaim, projected and secret volumes; other"
          + " types need pod.securityLevel: baseline";

  @JsonPropertyDescription(
      "Labels added to the pods, e.g. for a service mesh or workload identity. Kiln's own keys"
          + " (kiln.dev/…, the app.kubernetes.io/ labels Kiln sets, batch.kubernetes.io/…,"
          + " controller-uid, job-name, pod-template-hash) are refused.")
  @Size(max = MAX_METADATA)
  @ValidationRule(
      value = QUALIFIED_KEYS,
      message =
          "label keys must be an optional DNS subdomain prefix and '/', then a name of at most 63"
              + " letters, digits, '-', '_' or '.'")
  @ValidationRule(
      value = "self.all(k, !k.matches('" + RESERVED_LABEL + "'))",
      message =
          "label keys kiln.dev/…, app.kubernetes.io/name, instance, component, part-of,"
              + " managed-by, batch.kubernetes.io/…, controller-uid, job-name and pod-template-hash"
              + " are set by Kiln or Kubernetes")
  private Map<String, @Size(max = Validation.MAX_NAME) @Pattern(LABEL_VALUE) String> labels;

  @JsonPropertyDescription(
      "Annotations added to the pods, e.g. sidecar.istio.io/inject: \"false\". Keys kiln.dev/…"
          + " and batch.kubernetes.io/… are refused.")
  @Size(max = MAX_METADATA)
  @ValidationRule(
      value = QUALIFIED_KEYS,
      message =
          "annotation keys must be an optional DNS subdomain prefix and '/', then a name of at most"
              + " 63 letters, digits, '-', '_' or '.'")
  @ValidationRule(
      value = "self.all(k, !k.matches('" + RESERVED_ANNOTATION + "'))",
      message =
          "annotation keys kiln.dev/… and batch.kubernetes.io/… are set by Kiln or Kubernetes")
  private Map<String, @Size(max = MAX_ANNOTATION_VALUE) String> annotations;

  @JsonPropertyDescription(
      "Extra volumes of the pods, mounted with volumeMounts. Names of Kiln's volumes (workspace,"
          + " kiln-meta, report-token, tmp, dataset-source, dshm, model, kiln-…) are refused.")
  @Size(max = MAX_VOLUMES)
  @ValidationRule(
      value =
          "self.all(v, !has(v.name) || !(v.name in "
              + RESERVED_VOLUME_LIST
              + ")"
              + " && !v.name.startsWith('kiln-'))",
      message =
          "volume names workspace, kiln-meta, report-token, tmp, dataset-source, dshm, model and"
              + " kiln-… are Kiln's own")
  @ValidationRule(
      value = "self.all(v, !has(v.hostPath))",
      message = "hostPath volumes are not allowed: they need the privileged Pod Security level")
  private List<Volume> volumes;

  @JsonPropertyDescription(
      "Mounts of pod.volumes into the main container (trainer or server). Kiln's paths are"
          + " refused: /kiln/…, /etc/kiln/…, /var/run/kiln/…, /run/kiln/…, /dev/shm,"
          + " /dev/termination-log and /tmp itself.")
  @Size(max = MAX_VOLUMES)
  @ValidationRule(
      value = "self.all(m, !m.mountPath.matches('" + DOT_SEGMENT + "'))",
      message = "mount paths must not have '.' or '..' segments")
  @ValidationRule(
      value = "self.all(m, !m.mountPath.matches('" + RESERVED_MOUNT_PATH + "'))",
      message =
          "mount paths at or under /kiln, /etc/kiln, /var/run/kiln, /run/kiln, /dev/shm and"
              + " /dev/termination-log, and /tmp itself, are Kiln's own")
  @ValidationRule(
      value = "self.all(m, self.exists_one(n, n.mountPath == m.mountPath))",
      message = "mount paths must be unique")
  private List<PodVolumeMount> volumeMounts;

  @JsonPropertyDescription(
      "Size of a memory-backed /dev/shm (an emptyDir with medium Memory), e.g. 2Gi for PyTorch"
          + " DataLoader workers; the 64Mi default of the container runtime if unset. It counts"
          + " against the container's memory limit.")
  @Size(max = 32)
  @Pattern(Validation.STORAGE_QUANTITY)
  private String sharedMemory;

  @JsonPropertyDescription("The RuntimeClass of the pods, e.g. nvidia or gvisor.")
  @Size(max = Validation.MAX_SUBDOMAIN)
  @Pattern(Validation.DNS1123_SUBDOMAIN)
  private String runtimeClassName;

  @JsonPropertyDescription("The scheduler of the pods; the default scheduler if unset.")
  @Size(max = Validation.MAX_SUBDOMAIN)
  @Pattern(Validation.DNS1123_SUBDOMAIN)
  private String schedulerName;

  @JsonPropertyDescription(
      "The Pod Security Standard level the pods are built for. restricted (default): non-root."
          + " baseline: your containers may run as root (runAsNonRoot is not set); the namespace"
          + " must then admit the baseline level. status.podSecurityLevel shows it.")
  @Default("restricted")
  private PodSecurityLevel securityLevel;

  @JsonPropertyDescription(
      "The UID your containers run as (trainer, prepare; the model server), e.g. the UID of a"
          + " non-numeric USER in the image. 0 needs securityLevel: baseline.")
  @Min(0)
  @Max(MAX_ID)
  private Long runAsUser;

  @JsonPropertyDescription("The primary GID your containers run as.")
  @Min(0)
  @Max(MAX_ID)
  private Long runAsGroup;

  @JsonPropertyDescription(
      "The group that owns the pods' volumes (and a supplementary group of every container);"
          + " if unset, the operator's (KILN_POD_FS_GROUP) or the platform's.")
  @Min(0)
  @Max(MAX_ID)
  private Long fsGroup;

  @JsonPropertyDescription(
      "Whether your main container's root filesystem is read-only; it gets a writable emptyDir at"
          + " /tmp either way. A ModelServer's server: read-only unless set to false (for a server"
          + " that writes outside /tmp). A TrainingJob's trainer and prepare: writable unless set"
          + " to true.")
  private Boolean readOnlyRootFilesystem;
}
