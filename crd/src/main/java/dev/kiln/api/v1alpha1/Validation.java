package dev.kiln.api.v1alpha1;

/** Patterns and bounds shared by the API types, so each rule is written once. */
public final class Validation {
  /** Deadlines and TTLs in seconds: up to a year, as Kubernetes bounds its own. */
  public static final long MAX_SECONDS = 31_536_000L;

  private Validation() {}

  /** One DNS-1123 label without anchors: the building block of the name patterns below. */
  private static final String LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

  /** A path after a PVC claim or an S3 bucket (optional), or after an HTTPS host. */
  private static final String PATH = "(/\\S*)?";

  private static final String PVC_URI = "pvc://" + LABEL + PATH;
  private static final String S3_URI = "s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]" + PATH;
  private static final String HTTPS_URI = "https://[^\\s/]+" + PATH;

  /** A DNS-1123 label: the names of Kubernetes objects such as Services and Jobs. */
  public static final String DNS1123_LABEL = "^" + LABEL + "$";

  /** A DNS-1035 label: a Service name, which must start with a letter. */
  public static final String DNS1035_LABEL = "^[a-z]([-a-z0-9]*[a-z0-9])?$";

  /** A DNS-1123 subdomain: the names of Secrets, PVCs, ServiceAccounts, PriorityClasses. */
  public static final String DNS1123_SUBDOMAIN = "^" + LABEL + "(\\." + LABEL + ")*$";

  /** A container image reference: registry/repository[:tag][@digest], no whitespace. */
  public static final String IMAGE = "^[a-zA-Z0-9][a-zA-Z0-9._/:@-]*$";

  /** A positive storage quantity such as 10Gi or 500M. */
  public static final String STORAGE_QUANTITY =
      "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$";

  /** Where data can come from: a PVC path, an S3 object or prefix, or an HTTPS URL. */
  public static final String SOURCE_URI = "^(" + PVC_URI + "|" + S3_URI + "|" + HTTPS_URI + ")$";

  /** Where a trained model can be uploaded to: an S3 prefix or a path on a PVC. */
  public static final String OUTPUT_URI = "^(" + PVC_URI + "|" + S3_URI + ")$";

  /**
   * A path relative to a directory that stays inside it: '/'-separated names, each starting with a
   * letter, digit or '_' (so no '..', no hidden file, no absolute path).
   */
  public static final String RELATIVE_PATH =
      "^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$";

  /**
   * CEL rule on a URI field: no userinfo ({@code user:password@} before the host), since a URI is
   * shown in status, Events and {@code kubectl get}. The authority ends at the first '/', '?' or
   * '#'.
   */
  public static final String NO_USERINFO = "!self.matches('^[a-z0-9]+://[^/?#]*@')";

  /** Message suffix of those rules; the rule prefixes it with the field's path. */
  public static final String NO_USERINFO_MESSAGE =
      " must not carry a user or password (user:password@host): a URI is shown in status and"
          + " Events. Put the credentials in a Secret and name it in ";

  /** A metric or hyperparameter name: letters, digits, '_', '.', '-', starting with a letter. */
  public static final String METRIC_NAME = "^[A-Za-z][A-Za-z0-9_.-]*$";

  /** Prefix of a transition rule that holds until the training Job exists (status.jobName). */
  public static final String UNLESS_STARTED =
      "!has(oldSelf.status) || !has(oldSelf.status.jobName) || ";

  /** Message suffix of those rules; the rule prefixes it with the field's path. */
  public static final String FROZEN_ONCE_STARTED =
      " cannot change once training has started; only spec.suspend and"
          + " spec.ttlSecondsAfterFinished can. Create a new TrainingJob to re-run with other"
          + " settings.";

  public static final int MAX_NAME = 63;

  /** The most worker pods a TrainingJob may run (spec.workers). */
  public static final int MAX_WORKERS = 1024;

  /**
   * The longest TrainingJob name: Kiln derives names from it that must stay DNS labels (at most
   * 63): the Jobs {@code <name>-1}, {@code <name>-inspect} and {@code <name>-upload} (a Job's name
   * is a label value of its pods), the workers' Service {@code <name>-workers}, and the host name
   * {@code <name>-1-<index>} of a worker pod. The longest of those suffixes is 8 characters ({@code
   * -inspect}, {@code -workers}), hence 55; TrainingJobNames in the operator derives the same
   * number from its suffixes, and a test holds the two equal.
   */
  public static final int MAX_TRAINING_JOB_NAME = 55;

  public static final int MAX_SUBDOMAIN = 253;
  public static final int MAX_IMAGE = 512;
  public static final int MAX_URI = 2048;
  public static final int MAX_ARG = 4096;

  /**
   * Hyperparameters reach the pod as one annotation (projected into $KILN_HPARAMS_FILE); MAX_MAP
   * values of this length stay under Kubernetes' 256 KiB annotation limit.
   */
  public static final int MAX_HYPERPARAMETER = 2048;

  public static final int MAX_ARGS = 256;
  public static final int MAX_ENV = 128;
  public static final int MAX_MAP = 64;
  public static final int MAX_MESSAGE = 32768;
}
