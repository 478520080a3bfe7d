package dev.kiln.api.v1alpha1;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * The rules kube-apiserver applies to the core Kubernetes fields Kiln copies into its pods (env,
 * envFrom, resources, tolerations, affinity, nodeSelector, imagePullSecrets, spec.pod.volumes),
 * written once: as data for the CRDs ({@link #RULES}, and the schema declarations of {@link
 * CoreTypeSchemas}) and as the operator's check of the same rules ({@link #check}), so an object
 * that reached the operator without them (no CEL, an older CRD) still fails once with the field
 * named, before Kiln creates a child the API server would refuse.
 *
 * <p>The messages are the API server's own words for pods, with the field path in front: {@code
 * spec.env[0].valueFrom: may not be specified when `value` is not empty}.
 *
 * <p>Kubernetes versions: every rule names its field with {@code fieldPath} (Kubernetes 1.28+); the
 * rules on quantities use the quantity library ({@code isQuantity}, {@code quantity}), which the
 * API server offers to new CRDs from 1.29 (it entered CEL's base environment at compatibility
 * version 1.28). {@link Rule#since} says which each rule needs; Kiln therefore needs 1.29+.
 */
public final class CoreFieldRules {
  /**
   * One CEL rule for the CRDs.
   *
   * @param at where it sits in the schema of either kind: a dotted path, {@code []} for the items
   *     of a list, {@code {}} for the values of a map (e.g. {@code spec.env[]}); a path the kind
   *     does not have is skipped
   * @param cel the expression
   * @param fieldPath the field it names, relative to {@code at} (e.g. {@code .valueFrom}), or ""
   * @param message the API server's words
   * @param since the first Kubernetes version whose API server accepts it in a new CRD
   */
  public record Rule(List<String> at, String cel, String fieldPath, String message, String since) {}

  /** Environment variable names, as the API server checks them without relaxed validation. */
  public static final String ENV_NAME = "^[-._a-zA-Z][-._a-zA-Z0-9]*$";

  public static final String ENV_NAME_MESSAGE =
      "a valid environment variable name must consist of alphabetic characters, digits, '_', '-',"
          + " or '.', and must not start with a digit";

  /** A key of a ConfigMap or Secret. */
  public static final String CONFIG_KEY = "^[-._a-zA-Z0-9]+$";

  // --- paths -----------------------------------------------------------------------------------

  public static final String ENV = "spec.env[]";
  public static final String VALUE_FROM = "spec.env[].valueFrom";
  public static final String FIELD_REF = "spec.env[].valueFrom.fieldRef";
  public static final String RESOURCE_FIELD_REF = "spec.env[].valueFrom.resourceFieldRef";
  public static final String ENV_FROM = "spec.envFrom[]";
  public static final String RESOURCES = "spec.resources";
  public static final String REQUESTS = "spec.resources.requests";
  public static final String LIMITS = "spec.resources.limits";
  public static final String TOLERATION = "spec.tolerations[]";
  public static final String NODE_SELECTOR = "spec.nodeSelector";
  public static final String IMAGE_PULL_SECRET = "spec.imagePullSecrets[]";
  public static final String VOLUME = "spec.pod.volumes[]";

  private static final String NODE_AFFINITY = "spec.affinity.nodeAffinity";
  public static final String NODE_REQUIRED =
      NODE_AFFINITY + ".requiredDuringSchedulingIgnoredDuringExecution";
  public static final String NODE_PREFERRED =
      NODE_AFFINITY + ".preferredDuringSchedulingIgnoredDuringExecution[]";

  /** The node selector terms: required ones, and the preference of each preferred one. */
  public static final List<String> NODE_TERMS =
      List.of(NODE_REQUIRED + ".nodeSelectorTerms[]", NODE_PREFERRED + ".preference");

  /** The pod (anti-)affinity terms, required and preferred. */
  public static final List<String> POD_TERMS =
      List.of(
          "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[]",
          "spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[]"
              + ".podAffinityTerm",
          "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[]",
          "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[]"
              + ".podAffinityTerm");

  /** The weighted pod (anti-)affinity terms. */
  public static final List<String> POD_PREFERRED =
      List.of(
          "spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[]",
          "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[]");

  /**
   * The label selectors the API server checks: those of the pod affinity terms, and a ModelServer's
   * NetworkPolicy peers (spec.model.latest.selector is Kiln's own, checked by its own rules).
   */
  public static final List<String> LABEL_SELECTORS =
      List.of(
          POD_TERMS.get(0) + ".labelSelector",
          POD_TERMS.get(0) + ".namespaceSelector",
          POD_TERMS.get(1) + ".labelSelector",
          POD_TERMS.get(1) + ".namespaceSelector",
          POD_TERMS.get(2) + ".labelSelector",
          POD_TERMS.get(2) + ".namespaceSelector",
          POD_TERMS.get(3) + ".labelSelector",
          POD_TERMS.get(3) + ".namespaceSelector",
          "spec.networkPolicy.allowFrom[].podSelector",
          "spec.networkPolicy.allowFrom[].namespaceSelector");

  // --- messages --------------------------------------------------------------------------------

  public static final String ENV_RESERVED =
      "names starting with KILN_ are reserved for the variables Kiln sets";
  public static final String VALUE_AND_VALUE_FROM =
      "may not be specified when `value` is not empty";
  public static final String VALUE_FROM_NONE =
      "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`";
  public static final String SEVERAL_SOURCES =
      "may not have more than one field specified at a time";
  public static final String FILE_KEY_REF =
      "is not supported: env files (the EnvFiles feature) are alpha in Kubernetes";
  public static final String FIELD_PATHS =
      "supported values: metadata.name, metadata.namespace, metadata.uid,"
          + " metadata.labels['<key>'], metadata.annotations['<key>'], spec.nodeName,"
          + " spec.serviceAccountName, status.hostIP, status.hostIPs, status.podIP, status.podIPs";
  public static final String RESOURCE_FIELDS =
      "supported values: limits.cpu, limits.memory, limits.ephemeral-storage, requests.cpu,"
          + " requests.memory, requests.ephemeral-storage, limits.hugepages-<size>,"
          + " requests.hugepages-<size>";
  public static final String ENV_FROM_NONE = "must specify one of: `configMapRef` or `secretRef`";
  public static final String NOT_A_QUANTITY =
      "must be a quantity such as 500m, 2 or 4Gi (quantities must match the regular expression"
          + " '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$')";
  public static final String NEGATIVE = "must be greater than or equal to 0";
  public static final String RESOURCE_NAMES =
      "keys must be cpu, memory, ephemeral-storage, hugepages-<size> or an extended resource"
          + " such as nvidia.com/gpu";
  public static final String EXTENDED_INTEGER =
      "extended resources such as nvidia.com/gpu must be whole numbers";
  public static final String REQUEST_ABOVE_LIMIT =
      "every request must be less than or equal to the limit of the same resource";
  public static final String EXTENDED_NEEDS_LIMIT =
      "Limit must be set for non overcommitable resources such as nvidia.com/gpu";
  public static final String EXTENDED_NOT_EQUAL =
      "must be equal to the limit for non overcommitable resources such as nvidia.com/gpu";
  public static final String CLAIMS = "must be empty: Kiln's pods declare no resource claims";
  public static final String TOLERATION_EMPTY_KEY =
      "operator must be Exists when `key` is empty, which means \"match all values and all"
          + " keys\"";
  public static final String TOLERATION_EXISTS_VALUE =
      "value must be empty when `operator` is 'Exists'";
  public static final String TOLERATION_SECONDS =
      "effect must be 'NoExecute' when `tolerationSeconds` is set";
  public static final String LABEL_KEYS =
      "keys must be label keys: an optional DNS subdomain prefix and '/', then a name of at most"
          + " 63 letters, digits, '-', '_' or '.'";
  private static final String LABEL_OPERATORS = "\"DoesNotExist\", \"Exists\", \"In\", \"NotIn\"";
  private static final String NODE_OPERATORS =
      "\"DoesNotExist\", \"Exists\", \"Gt\", \"In\", \"Lt\", \"NotIn\"";

  public static final String VALUES_REQUIRED =
      "must be specified when `operator` is 'In' or 'NotIn'";
  public static final String VALUES_FORBIDDEN =
      "may not be specified when `operator` is 'Exists' or 'DoesNotExist'";
  public static final String VALUES_SINGLE_INTEGER =
      "must be specified single value when `operator` is 'Lt' or 'Gt', and be an integer";
  public static final String FIELD_VALUES_SINGLE =
      "must be only one value when `operator` is 'In' or 'NotIn' for node field selector";
  public static final String VOLUME_NO_TYPE = "must specify a volume type";
  public static final String VOLUME_SEVERAL_TYPES = "may not specify more than 1 volume type";

  // --- CEL -------------------------------------------------------------------------------------

  private static final List<String> FIELD_REF_PATH_LIST =
      List.of(
          "metadata.name",
          "metadata.namespace",
          "metadata.uid",
          "spec.nodeName",
          "spec.serviceAccountName",
          "status.hostIP",
          "status.hostIPs",
          "status.podIP",
          "status.podIPs");
  private static final List<String> RESOURCE_FIELD_LIST =
      List.of(
          "limits.cpu",
          "limits.memory",
          "limits.ephemeral-storage",
          "requests.cpu",
          "requests.memory",
          "requests.ephemeral-storage");
  private static final List<String> STANDARD_RESOURCES =
      List.of("cpu", "memory", "ephemeral-storage");

  private static final String VALUE_FROM_SOURCES =
      "(has(self.configMapKeyRef) ? 1 : 0) + (has(self.secretKeyRef) ? 1 : 0)"
          + " + (has(self.fieldRef) ? 1 : 0) + (has(self.resourceFieldRef) ? 1 : 0)";

  /** CEL: k names an extended resource (a '/' outside the kubernetes.io namespace). */
  private static final String EXTENDED = "(k.contains('/') && !k.contains('kubernetes.io/'))";

  /** CEL: the request and the limit of resource k are both quantities. */
  private static final String BOTH_QUANTITIES =
      "isQuantity(string(self.requests[k])) && isQuantity(string(self.limits[k]))";

  private static final String COMPARE =
      "quantity(string(self.requests[k])).compareTo(quantity(string(self.limits[k])))";

  private static final String R128 = "1.28";
  private static final String R129 = "1.29";

  public static final List<Rule> RULES =
      List.of(
          rule(ENV, "!has(self.name) || !self.name.startsWith('KILN_')", ".name", ENV_RESERVED),
          rule(
              ENV,
              "!has(self.valueFrom) || !has(self.value) || size(self.value) == 0",
              ".valueFrom",
              VALUE_AND_VALUE_FROM),
          rule(VALUE_FROM, VALUE_FROM_SOURCES + " >= 1", "", VALUE_FROM_NONE),
          rule(VALUE_FROM, VALUE_FROM_SOURCES + " <= 1", "", SEVERAL_SOURCES),
          rule(VALUE_FROM, "!has(self.fileKeyRef)", ".fileKeyRef", FILE_KEY_REF),
          rule(
              FIELD_REF,
              "!has(self.fieldPath) || self.fieldPath in "
                  + celList(FIELD_REF_PATH_LIST)
                  + " || ((self.fieldPath.startsWith(\"metadata.labels['\")"
                  + " || self.fieldPath.startsWith(\"metadata.annotations['\"))"
                  + " && self.fieldPath.endsWith(\"']\"))",
              ".fieldPath",
              FIELD_PATHS),
          rule(
              RESOURCE_FIELD_REF,
              "!has(self.resource) || self.resource in "
                  + celList(RESOURCE_FIELD_LIST)
                  + " || self.resource.startsWith('limits.hugepages-')"
                  + " || self.resource.startsWith('requests.hugepages-')",
              ".resource",
              RESOURCE_FIELDS),
          rule(ENV_FROM, "has(self.configMapRef) || has(self.secretRef)", "", ENV_FROM_NONE),
          rule(ENV_FROM, "!has(self.configMapRef) || !has(self.secretRef)", "", SEVERAL_SOURCES),
          new Rule(
              List.of(REQUESTS + "{}", LIMITS + "{}"),
              "isQuantity(string(self))",
              "",
              NOT_A_QUANTITY,
              R129),
          new Rule(
              List.of(REQUESTS + "{}", LIMITS + "{}"),
              "!isQuantity(string(self)) || quantity(string(self)).sign() >= 0",
              "",
              NEGATIVE,
              R129),
          new Rule(
              List.of(REQUESTS, LIMITS),
              "self.all(k, k in "
                  + celList(STANDARD_RESOURCES)
                  + " || k.startsWith('hugepages-') || k.contains('/'))",
              "",
              RESOURCE_NAMES,
              R128),
          new Rule(
              List.of(REQUESTS, LIMITS),
              "self.all(k, !"
                  + EXTENDED
                  + " || !isQuantity(string(self[k])) || quantity(string(self[k])).isInteger())",
              "",
              EXTENDED_INTEGER,
              R129),
          new Rule(
              List.of(RESOURCES),
              "!has(self.requests) || !has(self.limits) || self.requests.all(k, !(k in self.limits)"
                  + " || !("
                  + BOTH_QUANTITIES
                  + ") || "
                  + COMPARE
                  + " <= 0)",
              ".requests",
              REQUEST_ABOVE_LIMIT,
              R129),
          rule(
              RESOURCES,
              "!has(self.requests) || self.requests.all(k, !"
                  + EXTENDED
                  + " || (has(self.limits) && k in self.limits))",
              ".limits",
              EXTENDED_NEEDS_LIMIT),
          new Rule(
              List.of(RESOURCES),
              "!has(self.requests) || !has(self.limits) || self.requests.all(k, !"
                  + EXTENDED
                  + " || !(k in self.limits) || !("
                  + BOTH_QUANTITIES
                  + ") || "
                  + COMPARE
                  + " == 0)",
              ".requests",
              EXTENDED_NOT_EQUAL,
              R129),
          rule(RESOURCES, "!has(self.claims) || size(self.claims) == 0", ".claims", CLAIMS),
          rule(
              TOLERATION,
              "(has(self.key) && size(self.key) > 0)"
                  + " || (has(self.operator) && self.operator == 'Exists')",
              ".operator",
              TOLERATION_EMPTY_KEY),
          rule(
              TOLERATION,
              "!has(self.operator) || self.operator != 'Exists' || !has(self.value)"
                  + " || size(self.value) == 0",
              ".operator",
              TOLERATION_EXISTS_VALUE),
          rule(
              TOLERATION,
              "!has(self.tolerationSeconds) || (has(self.effect) && self.effect == 'NoExecute')",
              ".effect",
              TOLERATION_SECONDS),
          new Rule(labelMaps(), PodOverrides.QUALIFIED_KEYS, "", LABEL_KEYS, R128),
          new Rule(
              requirements(),
              "!has(self.operator) || !(self.operator in ['In', 'NotIn'])"
                  + " || (has(self.values) && size(self.values) > 0)",
              ".values",
              VALUES_REQUIRED,
              R128),
          new Rule(
              requirements(),
              "!has(self.operator) || !(self.operator in ['Exists', 'DoesNotExist'])"
                  + " || !has(self.values) || size(self.values) == 0",
              ".values",
              VALUES_FORBIDDEN,
              R128),
          new Rule(
              NODE_TERMS.stream().map(t -> t + ".matchExpressions[]").toList(),
              "!has(self.operator) || !(self.operator in ['Gt', 'Lt'])"
                  + " || (has(self.values) && size(self.values) == 1"
                  + " && self.values[0].matches('^-?[0-9]+$'))",
              ".values",
              VALUES_SINGLE_INTEGER,
              R128),
          new Rule(
              NODE_TERMS.stream().map(t -> t + ".matchFields[]").toList(),
              "has(self.values) && size(self.values) == 1",
              ".values",
              FIELD_VALUES_SINGLE,
              R128));

  private static Rule rule(String at, String cel, String fieldPath, String message) {
    return new Rule(List.of(at), cel, fieldPath, message, R128);
  }

  /** A CEL list literal of strings. */
  private static String celList(List<String> values) {
    return "[" + String.join(", ", values.stream().map(v -> "'" + v + "'").toList()) + "]";
  }

  /** Label maps whose keys the API server checks: nodeSelector and the selectors' matchLabels. */
  private static List<String> labelMaps() {
    List<String> maps = new ArrayList<>();
    maps.add(NODE_SELECTOR);
    LABEL_SELECTORS.forEach(s -> maps.add(s + ".matchLabels"));
    return List.copyOf(maps);
  }

  /** Node and label selector requirements: In, NotIn, Exists and DoesNotExist alike. */
  private static List<String> requirements() {
    List<String> at = new ArrayList<>();
    NODE_TERMS.forEach(t -> at.add(t + ".matchExpressions[]"));
    LABEL_SELECTORS.forEach(s -> at.add(s + ".matchExpressions[]"));
    return List.copyOf(at);
  }

  /**
   * The two rules on a volume's type: exactly one of {@code sources} (the volume types of the core
   * Volume, read from its schema, so a new Kubernetes volume type counts too).
   */
  public static List<Rule> volumeTypeRules(List<String> sources) {
    String count =
        String.join(" + ", sources.stream().map(s -> "(has(self." + s + ") ? 1 : 0)").toList());
    return List.of(
        new Rule(List.of(VOLUME), count + " >= 1", "", VOLUME_NO_TYPE, R128),
        new Rule(List.of(VOLUME), count + " <= 1", "", VOLUME_SEVERAL_TYPES, R128));
  }

  private CoreFieldRules() {}

  // --- the operator's check --------------------------------------------------------------------

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ENV_NAME_PATTERN = Pattern.compile(ENV_NAME);
  private static final Pattern CONFIG_KEY_PATTERN = Pattern.compile(CONFIG_KEY);
  private static final Pattern SUBDOMAIN = Pattern.compile(Validation.DNS1123_SUBDOMAIN);
  private static final Pattern LABEL = Pattern.compile(Validation.DNS1123_LABEL);
  private static final Pattern QUALIFIED = Pattern.compile(PodOverrides.QUALIFIED_NAME);
  private static final Pattern LABEL_VALUE = Pattern.compile(PodOverrides.LABEL_VALUE);
  private static final Pattern INTEGER = Pattern.compile("^-?[0-9]+$");

  /**
   * Adds the problems of the core fields of {@code spec} to {@code problems}, each {@code <field
   * path>: <message>}: every rule of {@link #RULES} and every declaration of {@link
   * CoreTypeSchemas} that the API server would otherwise refuse the pod for.
   */
  public static void check(WorkloadSpec spec, List<String> problems) {
    env(spec.getEnv(), problems);
    envFrom(spec.getEnvFrom(), problems);
    resources(spec.getResources(), problems);
    tolerations(spec.getTolerations(), problems);
    labelKeysAndValues("spec.nodeSelector", spec.getNodeSelector(), problems);
    imagePullSecrets(spec.getImagePullSecrets(), problems);
    affinity(spec.getAffinity(), problems);
    if (spec.getPod() != null) {
      volumes(spec.getPod().getVolumes(), problems);
    }
    if (spec instanceof ModelServerSpec server && server.getNetworkPolicy() != null) {
      allowFrom(server.getNetworkPolicy().getAllowFrom(), problems);
    }
  }

  /** A ModelServer's NetworkPolicy peers: label selectors the API server checks. */
  private static void allowFrom(List<NetworkPolicySpec.Peer> peers, List<String> problems) {
    forEach(
        "spec.networkPolicy.allowFrom",
        peers,
        (path, peer) -> {
          labelSelector(path + ".podSelector", peer.getPodSelector(), problems);
          labelSelector(path + ".namespaceSelector", peer.getNamespaceSelector(), problems);
        });
  }

  private static void env(List<EnvVar> env, List<String> problems) {
    Set<String> names = new HashSet<>();
    forEach(
        "spec.env",
        env,
        (path, e) -> {
          String name = e.getName();
          if (name == null || name.isEmpty()) {
            problems.add(path + ".name: Required value");
          } else if (!ENV_NAME_PATTERN.matcher(name).matches()) {
            problems.add(invalid(path + ".name", name, ENV_NAME_MESSAGE));
          } else if (name.startsWith("KILN_")) {
            problems.add(path + ".name: " + ENV_RESERVED);
          } else if (!names.add(name)) {
            problems.add(path + ".name: Duplicate value: \"" + name + "\"");
          }
          EnvVarSource from = e.getValueFrom();
          if (from == null) {
            return;
          }
          if (e.getValue() != null && !e.getValue().isEmpty()) {
            problems.add(path + ".valueFrom: " + VALUE_AND_VALUE_FROM);
          }
          valueFrom(path + ".valueFrom", from, problems);
        });
  }

  private static void valueFrom(String path, EnvVarSource from, List<String> problems) {
    int sources =
        count(
            from.getConfigMapKeyRef(),
            from.getSecretKeyRef(),
            from.getFieldRef(),
            from.getResourceFieldRef());
    if (sources == 0) {
      problems.add(path + ": " + VALUE_FROM_NONE);
    } else if (sources > 1) {
      problems.add(path + ": " + SEVERAL_SOURCES);
    }
    if (from.getFileKeyRef() != null) {
      problems.add(path + ".fileKeyRef: " + FILE_KEY_REF);
    }
    if (from.getConfigMapKeyRef() != null) {
      keyRef(
          path + ".configMapKeyRef",
          from.getConfigMapKeyRef().getName(),
          from.getConfigMapKeyRef().getKey(),
          problems);
    }
    if (from.getSecretKeyRef() != null) {
      keyRef(
          path + ".secretKeyRef",
          from.getSecretKeyRef().getName(),
          from.getSecretKeyRef().getKey(),
          problems);
    }
    if (from.getFieldRef() != null) {
      String fieldPath = from.getFieldRef().getFieldPath();
      if (fieldPath == null || fieldPath.isEmpty()) {
        problems.add(path + ".fieldRef.fieldPath: Required value");
      } else if (!FIELD_REF_PATH_LIST.contains(fieldPath)
          && !((fieldPath.startsWith("metadata.labels['")
                  || fieldPath.startsWith("metadata.annotations['"))
              && fieldPath.endsWith("']"))) {
        problems.add(unsupported(path + ".fieldRef.fieldPath", fieldPath, FIELD_PATHS));
      }
    }
    if (from.getResourceFieldRef() != null) {
      String resource = from.getResourceFieldRef().getResource();
      if (resource == null || resource.isEmpty()) {
        problems.add(path + ".resourceFieldRef.resource: Required value");
      } else if (!RESOURCE_FIELD_LIST.contains(resource)
          && !resource.startsWith("limits.hugepages-")
          && !resource.startsWith("requests.hugepages-")) {
        problems.add(unsupported(path + ".resourceFieldRef.resource", resource, RESOURCE_FIELDS));
      }
    }
  }

  private static void keyRef(String path, String name, String key, List<String> problems) {
    objectName(path + ".name", name, problems);
    if (key == null || key.isEmpty()) {
      problems.add(path + ".key: Required value");
    } else if (key.length() > Validation.MAX_SUBDOMAIN
        || !CONFIG_KEY_PATTERN.matcher(key).matches()) {
      problems.add(
          invalid(
              path + ".key",
              key,
              "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"));
    }
  }

  private static void envFrom(List<EnvFromSource> envFrom, List<String> problems) {
    forEach(
        "spec.envFrom",
        envFrom,
        (path, e) -> {
          int sources = count(e.getConfigMapRef(), e.getSecretRef());
          if (sources == 0) {
            problems.add(path + ": " + ENV_FROM_NONE);
          } else if (sources > 1) {
            problems.add(path + ": " + SEVERAL_SOURCES);
          }
          if (e.getPrefix() != null
              && !e.getPrefix().isEmpty()
              && !ENV_NAME_PATTERN.matcher(e.getPrefix()).matches()) {
            problems.add(invalid(path + ".prefix", e.getPrefix(), ENV_NAME_MESSAGE));
          }
          if (e.getConfigMapRef() != null) {
            objectName(path + ".configMapRef.name", e.getConfigMapRef().getName(), problems);
          }
          if (e.getSecretRef() != null) {
            objectName(path + ".secretRef.name", e.getSecretRef().getName(), problems);
          }
        });
  }

  private static void resources(ResourceRequirements resources, List<String> problems) {
    if (resources == null) {
      return;
    }
    Map<String, BigDecimal> requests = quantities(REQUESTS, resources.getRequests(), problems);
    Map<String, BigDecimal> limits = quantities(LIMITS, resources.getLimits(), problems);
    Map<String, Quantity> requested = Objects.requireNonNullElse(resources.getRequests(), Map.of());
    Map<String, Quantity> limited = Objects.requireNonNullElse(resources.getLimits(), Map.of());
    for (String k : new TreeSet<>(requested.keySet())) {
      if (extended(k) && !limited.containsKey(k)) {
        problems.add(LIMITS + ": " + EXTENDED_NEEDS_LIMIT + " (" + k + ")");
      }
      BigDecimal request = requests.get(k);
      BigDecimal limit = limits.get(k);
      if (request == null || limit == null) {
        continue;
      }
      if (request.compareTo(limit) > 0) {
        problems.add(
            REQUESTS
                + ": "
                + REQUEST_ABOVE_LIMIT
                + " ("
                + k
                + ": "
                + requested.get(k)
                + " > "
                + limited.get(k)
                + ")");
      }
      if (extended(k) && request.compareTo(limit) != 0) {
        problems.add(REQUESTS + ": " + EXTENDED_NOT_EQUAL + " (" + k + ")");
      }
    }
    if (resources.getClaims() != null && !resources.getClaims().isEmpty()) {
      problems.add(RESOURCES + ".claims: " + CLAIMS);
    }
  }

  /** Checks one map of quantities; returns the values of those that are quantities. */
  private static Map<String, BigDecimal> quantities(
      String path, Map<String, Quantity> values, List<String> problems) {
    Map<String, BigDecimal> parsed = new java.util.HashMap<>();
    if (values == null) {
      return parsed;
    }
    for (String k : new TreeSet<>(values.keySet())) {
      if (!STANDARD_RESOURCES.contains(k) && !k.startsWith("hugepages-") && !k.contains("/")) {
        problems.add(path + ": " + RESOURCE_NAMES + " (" + k + ")");
      }
      Quantity q = values.get(k);
      String text = q == null ? "" : q.toString();
      Optional<BigDecimal> value = Quantities.parse(text);
      if (value.isEmpty()) {
        problems.add(invalid(path + "." + k, text, NOT_A_QUANTITY));
        continue;
      }
      if (value.get().signum() < 0) {
        problems.add(invalid(path + "." + k, text, NEGATIVE));
      } else if (extended(k) && value.get().stripTrailingZeros().scale() > 0) {
        problems.add(invalid(path + "." + k, text, EXTENDED_INTEGER));
      }
      parsed.put(k, value.get());
    }
    return parsed;
  }

  /** An extended resource such as nvidia.com/gpu: a '/' outside the kubernetes.io namespace. */
  private static boolean extended(String resource) {
    return resource.contains("/") && !resource.contains("kubernetes.io/");
  }

  private static void tolerations(List<Toleration> tolerations, List<String> problems) {
    forEach(
        "spec.tolerations",
        tolerations,
        (path, t) -> {
          String key = Objects.requireNonNullElse(t.getKey(), "");
          String operator = Objects.requireNonNullElse(t.getOperator(), "");
          String value = Objects.requireNonNullElse(t.getValue(), "");
          String effect = Objects.requireNonNullElse(t.getEffect(), "");
          if (!key.isEmpty() && !qualifiedName(key)) {
            problems.add(invalid(path + ".key", key, LABEL_KEYS));
          }
          if (!List.of("", "Equal", "Exists").contains(operator)) {
            problems.add(unsupported(path + ".operator", operator, "\"Equal\", \"Exists\""));
          } else if (key.isEmpty() && !operator.equals("Exists")) {
            problems.add(path + ".operator: " + TOLERATION_EMPTY_KEY);
          } else if (operator.equals("Exists") && !value.isEmpty()) {
            problems.add(path + ".operator: " + TOLERATION_EXISTS_VALUE);
          }
          if (!labelValue(value)) {
            problems.add(invalid(path + ".value", value, "must be a valid label value"));
          }
          if (!List.of("", "NoSchedule", "PreferNoSchedule", "NoExecute").contains(effect)) {
            problems.add(
                unsupported(
                    path + ".effect",
                    effect,
                    "\"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""));
          } else if (t.getTolerationSeconds() != null && !effect.equals("NoExecute")) {
            problems.add(path + ".effect: " + TOLERATION_SECONDS);
          }
        });
  }

  private static void imagePullSecrets(List<LocalObjectReference> secrets, List<String> problems) {
    forEach(
        "spec.imagePullSecrets",
        secrets,
        (path, s) -> objectName(path + ".name", s.getName(), problems));
  }

  private static void affinity(Affinity affinity, List<String> problems) {
    if (affinity == null) {
      return;
    }
    if (affinity.getNodeAffinity() != null) {
      var node = affinity.getNodeAffinity();
      String required = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution";
      if (node.getRequiredDuringSchedulingIgnoredDuringExecution() != null) {
        List<NodeSelectorTerm> terms =
            node.getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms();
        if (terms == null || terms.isEmpty()) {
          problems.add(
              required
                  + ".nodeSelectorTerms: Required value: must have at least one node selector term");
        }
        forEach(
            required + ".nodeSelectorTerms", terms, (path, term) -> nodeTerm(path, term, problems));
      }
      forEach(
          "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution",
          node.getPreferredDuringSchedulingIgnoredDuringExecution(),
          (path, p) -> {
            weight(path, p.getWeight(), problems);
            if (p.getPreference() == null) {
              problems.add(path + ".preference: Required value");
            } else {
              nodeTerm(path + ".preference", p.getPreference(), problems);
            }
          });
    }
    if (affinity.getPodAffinity() != null) {
      podTerms(
          "spec.affinity.podAffinity",
          affinity.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution(),
          affinity.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution(),
          problems);
    }
    if (affinity.getPodAntiAffinity() != null) {
      podTerms(
          "spec.affinity.podAntiAffinity",
          affinity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution(),
          affinity.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution(),
          problems);
    }
  }

  private static void nodeTerm(String path, NodeSelectorTerm term, List<String> problems) {
    forEach(
        path + ".matchExpressions",
        term.getMatchExpressions(),
        (p, r) -> nodeRequirement(p, r, problems));
    forEach(
        path + ".matchFields",
        term.getMatchFields(),
        (p, r) -> {
          if (!"metadata.name".equals(r.getKey())) {
            problems.add(unsupported(p + ".key", r.getKey(), "\"metadata.name\""));
          }
          if (!List.of("In", "NotIn").contains(Objects.requireNonNullElse(r.getOperator(), ""))) {
            problems.add(unsupported(p + ".operator", r.getOperator(), "\"In\", \"NotIn\""));
          }
          if (r.getValues() == null || r.getValues().size() != 1) {
            problems.add(p + ".values: " + FIELD_VALUES_SINGLE);
          }
        });
  }

  private static void nodeRequirement(
      String path, NodeSelectorRequirement r, List<String> problems) {
    requirement(path, r.getKey(), r.getOperator(), r.getValues(), true, problems);
  }

  private static void podTerms(
      String path,
      List<PodAffinityTerm> required,
      List<WeightedPodAffinityTerm> preferred,
      List<String> problems) {
    forEach(
        path + ".requiredDuringSchedulingIgnoredDuringExecution",
        required,
        (p, term) -> podTerm(p, term, problems));
    forEach(
        path + ".preferredDuringSchedulingIgnoredDuringExecution",
        preferred,
        (p, w) -> {
          weight(p, w.getWeight(), problems);
          if (w.getPodAffinityTerm() == null) {
            problems.add(p + ".podAffinityTerm: Required value");
          } else {
            podTerm(p + ".podAffinityTerm", w.getPodAffinityTerm(), problems);
          }
        });
  }

  private static void podTerm(String path, PodAffinityTerm term, List<String> problems) {
    String topologyKey = term.getTopologyKey();
    if (topologyKey == null || topologyKey.isEmpty()) {
      problems.add(path + ".topologyKey: Required value: can not be empty");
    } else if (!qualifiedName(topologyKey)) {
      problems.add(invalid(path + ".topologyKey", topologyKey, LABEL_KEYS));
    }
    labelSelector(path + ".labelSelector", term.getLabelSelector(), problems);
    labelSelector(path + ".namespaceSelector", term.getNamespaceSelector(), problems);
    forEach(
        path + ".namespaces",
        term.getNamespaces(),
        (p, ns) -> {
          if (ns == null || ns.length() > Validation.MAX_NAME || !LABEL.matcher(ns).matches()) {
            problems.add(invalid(p, ns, "a namespace name must be a DNS-1123 label"));
          }
        });
  }

  /**
   * A label selector the API server checks (matchLabels keys and values, matchExpressions), each
   * problem under {@code path}.
   */
  static void labelSelector(String path, LabelSelector selector, List<String> problems) {
    if (selector == null) {
      return;
    }
    labelKeysAndValues(path + ".matchLabels", selector.getMatchLabels(), problems);
    forEach(
        path + ".matchExpressions",
        selector.getMatchExpressions(),
        (p, r) -> labelRequirement(p, r, problems));
  }

  private static void labelRequirement(
      String path, LabelSelectorRequirement r, List<String> problems) {
    List<String> values = Objects.requireNonNullElse(r.getValues(), List.of());
    requirement(path, r.getKey(), r.getOperator(), values, false, problems);
    for (int i = 0; i < values.size(); i++) {
      if (!labelValue(values.get(i))) {
        problems.add(
            invalid(path + ".values[" + i + "]", values.get(i), "must be a valid label value"));
      }
    }
  }

  /**
   * A selector requirement's key, and its operator with the values that operator takes: the label
   * selector's four, and for node selectors also Gt and Lt with one integer.
   */
  private static void requirement(
      String path,
      String key,
      String operator,
      List<String> values,
      boolean numeric,
      List<String> problems) {
    requirementKey(path, key, problems);
    List<String> given = Objects.requireNonNullElse(values, List.of());
    String op = Objects.requireNonNullElse(operator, "");
    switch (op) {
      case "In", "NotIn" -> {
        if (given.isEmpty()) {
          problems.add(path + ".values: " + VALUES_REQUIRED);
        }
      }
      case "Exists", "DoesNotExist" -> {
        if (!given.isEmpty()) {
          problems.add(path + ".values: " + VALUES_FORBIDDEN);
        }
      }
      case "Gt", "Lt" -> {
        if (!numeric) {
          problems.add(unsupported(path + ".operator", op, LABEL_OPERATORS));
        } else if (given.size() != 1 || !INTEGER.matcher(given.get(0)).matches()) {
          problems.add(path + ".values: " + VALUES_SINGLE_INTEGER);
        }
      }
      default ->
          problems.add(
              unsupported(path + ".operator", op, numeric ? NODE_OPERATORS : LABEL_OPERATORS));
    }
  }

  private static void requirementKey(String path, String key, List<String> problems) {
    if (key == null || key.isEmpty()) {
      problems.add(path + ".key: Required value");
    } else if (!qualifiedName(key)) {
      problems.add(invalid(path + ".key", key, LABEL_KEYS));
    }
  }

  private static void weight(String path, Integer weight, List<String> problems) {
    if (weight == null || weight < 1 || weight > 100) {
      problems.add(invalid(path + ".weight", String.valueOf(weight), "must be in the range 1-100"));
    }
  }

  private static void labelKeysAndValues(
      String path, Map<String, String> labels, List<String> problems) {
    if (labels == null) {
      return;
    }
    for (String key : new TreeSet<>(labels.keySet())) {
      if (!qualifiedName(key)) {
        problems.add(path + ": " + LABEL_KEYS + " (" + key + ")");
      }
      String value = Objects.requireNonNullElse(labels.get(key), "");
      if (!labelValue(value)) {
        problems.add(invalid(path + "." + key, value, "must be a valid label value"));
      }
    }
  }

  private static void volumes(List<Volume> volumes, List<String> problems) {
    forEach(
        "spec.pod.volumes",
        volumes,
        (path, v) -> {
          @SuppressWarnings("unchecked")
          Map<String, Object> fields = JSON.convertValue(v, Map.class);
          long types = fields.keySet().stream().filter(k -> !k.equals("name")).count();
          if (types == 0) {
            problems.add(path + ": " + VOLUME_NO_TYPE);
          } else if (types > 1) {
            problems.add(path + ": " + VOLUME_SEVERAL_TYPES);
          }
        });
  }

  // --- helpers ---------------------------------------------------------------------------------

  private static <T> void forEach(String path, List<T> items, BiConsumer<String, T> check) {
    if (items == null) {
      return;
    }
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) != null) {
        check.accept(path + "[" + i + "]", items.get(i));
      }
    }
  }

  private static int count(Object... sources) {
    int n = 0;
    for (Object s : sources) {
      n += s == null ? 0 : 1;
    }
    return n;
  }

  /** The name of a ConfigMap, Secret or other object: required, a DNS-1123 subdomain. */
  private static void objectName(String path, String name, List<String> problems) {
    if (name == null || name.isEmpty()) {
      problems.add(path + ": Required value");
    } else if (name.length() > Validation.MAX_SUBDOMAIN || !SUBDOMAIN.matcher(name).matches()) {
      problems.add(
          invalid(
              path,
              name,
              "a lowercase RFC 1123 subdomain must consist of lower case"
                  + " alphanumeric characters, '-' or '.', and must start and end with an alphanumeric"
                  + " character"));
    }
  }

  /** A label key: an optional DNS subdomain prefix (≤ 253) and '/', then a name (≤ 63). */
  static boolean qualifiedName(String key) {
    return key.length() <= PodOverrides.MAX_QUALIFIED_NAME
        && QUALIFIED.matcher(key).matches()
        && (key.indexOf('/') < 0 || key.indexOf('/') <= Validation.MAX_SUBDOMAIN);
  }

  private static boolean labelValue(String value) {
    return value.length() <= Validation.MAX_NAME && LABEL_VALUE.matcher(value).matches();
  }

  private static String invalid(String path, String value, String message) {
    return path + ": Invalid value: \"" + value + "\": " + message;
  }

  private static String unsupported(String path, String value, String supported) {
    return path + ": Unsupported value: \"" + value + "\": " + supported;
  }
}
