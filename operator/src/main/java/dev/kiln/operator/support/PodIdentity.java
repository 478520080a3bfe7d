package dev.kiln.operator.support;

/**
 * The user, primary group and fsGroup of the pods Kiln creates, as the operator is configured
 * (KILN_POD_RUN_AS_USER, KILN_POD_RUN_AS_GROUP, KILN_POD_FS_GROUP). Each is null unless set, which
 * leaves it to the platform: OpenShift's restricted-v2 SCC and others assign a UID and fsGroup per
 * namespace and reject pods that bring their own, and elsewhere the images' numeric USER (65532)
 * applies. A TrainingJob's or ModelServer's own spec.pod values win over these.
 *
 * @param runAsUser never 0: every pod Kiln creates must meet the restricted level
 */
public record PodIdentity(Long runAsUser, Long runAsGroup, Long fsGroup) {
  /** Nothing fixed: the platform (or the image) decides. */
  public static final PodIdentity PLATFORM = new PodIdentity(null, null, null);
}
