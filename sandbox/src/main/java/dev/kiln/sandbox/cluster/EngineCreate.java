package dev.kiln.sandbox.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.sandbox.cluster.ContainerRuntime.Launch;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The engine's {@code create} command for one container of a pod: what a kubelet asks its container
 * runtime for, in podman's (and docker's) flags. The pod's labels as the kubelet's ({@code
 * io.kubernetes.pod.name}, …); the host's network, on which the pod has its own loopback address
 * ({@link PodNetwork}), with its host name; the user and groups ({@code runAsUser}, {@code
 * runAsGroup}, {@code fsGroup}, {@code supplementalGroups}); {@code readOnlyRootFilesystem},
 * capabilities, {@code allowPrivilegeEscalation: false} as no-new-privileges, the seccomp profile;
 * memory and CPU limits where the engine enforces them; every mount a bind mount of the volume's
 * folder (Secrets, ConfigMaps, downward API read-only, as the kubelet mounts them) and the
 * termination-message file; the resolved environment; and the command by Kubernetes' rules ({@code
 * command} replaces ENTRYPOINT, {@code args} replace CMD). Cluster names and {@code 0.0.0.0} in env
 * values and arguments are resolved to the sandbox's addresses ({@link ClusterDns}), image ENV
 * values included, as in host-process mode.
 *
 * @param engine {@code podman} or {@code docker}
 * @param sandbox the sandbox's label value (its folder), for finding its containers again
 * @param limits whether the engine enforces memory and CPU limits (else they are left out)
 */
record EngineCreate(String engine, String sandbox, boolean limits) {
  static final String SANDBOX_LABEL = "dev.kiln.sandbox";
  static final String POD_UID_LABEL = "io.kubernetes.pod.uid";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The engine's arguments to create the container {@code name}. */
  List<String> args(String name, Launch launch, EngineImage image, UnaryOperator<String> resolve)
      throws StartupError {
    Container c = launch.container();
    Pod pod = launch.pod();
    // No HEALTHCHECK: the kubelet ignores an image's own and probes as the pod says.
    List<String> a =
        new ArrayList<>(List.of("create", "--name", name, "--pull", "never", "--no-healthcheck"));
    label(a, "io.kubernetes.pod.name", pod.getMetadata().getName());
    label(a, "io.kubernetes.pod.namespace", pod.getMetadata().getNamespace());
    label(a, POD_UID_LABEL, pod.getMetadata().getUid());
    label(a, "io.kubernetes.container.name", c.getName());
    label(a, SANDBOX_LABEL, sandbox);

    Map<String, String> env = new LinkedHashMap<>();
    network(a, launch, env);
    security(a, pod, c, image);
    if (limits) {
      resources(a, c);
    }
    mounts(a, launch);
    // Image ENV values that name a cluster address or 0.0.0.0 (HOST=0.0.0.0) get this pod's.
    for (String entry : image.env()) {
      int eq = entry.indexOf('=');
      String value = eq < 0 ? "" : entry.substring(eq + 1);
      String resolved = resolve.apply(value);
      if (eq > 0 && !resolved.equals(value)) {
        env.put(entry.substring(0, eq), resolved);
      }
    }
    launch.env().forEach((k, v) -> env.put(k, resolve.apply(v)));
    boolean imageHasHost =
        image.env().stream().anyMatch(e -> e.startsWith(ContainerCommand.HOST + "="));
    if (!imageHasHost) {
      // No network namespace: the reference images listen on KILN_HOST, the pod's address.
      env.putIfAbsent(ContainerCommand.HOST, launch.podIp());
    }
    env.forEach((k, v) -> a.addAll(List.of("--env", k + "=" + v)));
    if (c.getWorkingDir() != null && !c.getWorkingDir().isEmpty()) {
      a.addAll(List.of("--workdir", c.getWorkingDir()));
    }

    List<String> argv = command(c, image, launch.env());
    argv.replaceAll(resolve);
    if (argv.isEmpty()) {
      throw new StartupError(
          "CreateContainerError", "no command specified: the image has no ENTRYPOINT or CMD");
    }
    a.add("--entrypoint");
    a.add(engine.equals("podman") ? json(argv.get(0)) : argv.get(0));
    a.add(image.tag());
    a.addAll(argv.subList(1, argv.size()));
    return a;
  }

  /** Kubernetes' rules: command replaces ENTRYPOINT, args replace CMD, with $(VAR) expanded. */
  static List<String> command(Container c, EngineImage image, Map<String, String> env) {
    List<String> argv = new ArrayList<>();
    boolean ownCommand = c.getCommand() != null && !c.getCommand().isEmpty();
    if (ownCommand) {
      c.getCommand().forEach(x -> argv.add(ContainerEnvironment.expand(x, env)));
    } else {
      argv.addAll(image.entrypoint());
    }
    if (c.getArgs() != null && !c.getArgs().isEmpty()) {
      c.getArgs().forEach(x -> argv.add(ContainerEnvironment.expand(x, env)));
    } else if (!ownCommand) {
      argv.addAll(image.cmd());
    }
    return argv;
  }

  /**
   * The host's network: the pod's loopback address is on it, and kube-proxy and the report endpoint
   * listen on loopback. Its host name maps to its address, as in a pod's /etc/hosts.
   */
  private void network(List<String> a, Launch launch, Map<String, String> env) {
    a.addAll(List.of("--network", "host"));
    String hostname = launch.hostname();
    if (engine.equals("podman")) {
      a.addAll(List.of("--hostname", hostname));
    } else {
      env.put("HOSTNAME", hostname); // docker refuses a host name with the host's network
    }
    String subdomain = launch.pod().getSpec().getSubdomain();
    if (subdomain != null && !subdomain.isEmpty()) {
      String fqdn =
          hostname
              + "."
              + subdomain
              + "."
              + launch.pod().getMetadata().getNamespace()
              + ".svc.cluster.local";
      a.addAll(List.of("--add-host", fqdn + ":" + launch.podIp()));
    }
    a.addAll(List.of("--add-host", hostname + ":" + launch.podIp()));
  }

  /** The container's security context over the pod's, as the kubelet merges them. */
  private void security(List<String> a, Pod pod, Container c, EngineImage image)
      throws StartupError {
    SecurityContext sc = c.getSecurityContext();
    PodSecurityContext psc = pod.getSpec().getSecurityContext();
    Long uid = pick(sc, SecurityContext::getRunAsUser, psc, PodSecurityContext::getRunAsUser);
    Long gid = pick(sc, SecurityContext::getRunAsGroup, psc, PodSecurityContext::getRunAsGroup);
    if (uid != null || gid != null) {
      String user = uid != null ? uid.toString() : imageUser(image.user());
      a.addAll(List.of("--user", gid == null ? user : user + ":" + gid));
    }
    if (psc != null) {
      if (psc.getFsGroup() != null) {
        a.addAll(List.of("--group-add", psc.getFsGroup().toString()));
      }
      if (psc.getSupplementalGroups() != null) {
        psc.getSupplementalGroups().forEach(g -> a.addAll(List.of("--group-add", g.toString())));
      }
    }
    if (sc != null) {
      if (Boolean.TRUE.equals(sc.getPrivileged())) {
        a.add("--privileged");
      }
      Capabilities caps = sc.getCapabilities();
      if (caps != null) {
        list(caps.getDrop()).forEach(cap -> a.addAll(List.of("--cap-drop", cap)));
        list(caps.getAdd()).forEach(cap -> a.addAll(List.of("--cap-add", cap)));
      }
      if (Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
        a.addAll(List.of("--security-opt", "no-new-privileges"));
      }
      if (Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
        a.add("--read-only");
        if (engine.equals("podman")) {
          a.add(
              "--read-only-tmpfs=false"); // podman adds tmpfs on /tmp, /run…; the kubelet does not
        }
      }
    }
    SeccompProfile seccomp =
        sc != null && sc.getSeccompProfile() != null
            ? sc.getSeccompProfile()
            : psc == null ? null : psc.getSeccompProfile();
    String type = seccomp == null ? "Unconfined" : seccomp.getType();
    if ("Localhost".equals(type)) {
      throw new StartupError(
          "CreateContainerConfigError",
          "seccompProfile type Localhost: the sandbox's node has no seccomp profiles");
    }
    if ("Unconfined".equals(type)) {
      // Without a profile the kubelet runs a container unconfined (no --seccomp-default).
      a.addAll(List.of("--security-opt", "seccomp=unconfined"));
    }
  }

  /** Memory and CPU limits as the kubelet sets the cgroup's: no swap beyond the memory limit. */
  private static void resources(List<String> a, Container c) {
    if (c.getResources() == null) {
      return;
    }
    Map<String, Quantity> limits = c.getResources().getLimits();
    Map<String, Quantity> requests = c.getResources().getRequests();
    if (limits != null && limits.get("memory") != null) {
      String bytes = Quantity.getAmountInBytes(limits.get("memory")).toBigInteger().toString();
      a.addAll(List.of("--memory", bytes, "--memory-swap", bytes));
    }
    if (limits != null && limits.get("cpu") != null) {
      BigDecimal cores = Quantity.getAmountInBytes(limits.get("cpu"));
      a.addAll(List.of("--cpus", cores.stripTrailingZeros().toPlainString()));
    }
    if (requests != null && requests.get("cpu") != null) {
      long milli =
          Quantity.getAmountInBytes(requests.get("cpu"))
              .multiply(BigDecimal.valueOf(1000))
              .longValue();
      a.addAll(List.of("--cpu-shares", Long.toString(Math.max(2, milli * 1024 / 1000))));
    }
  }

  /** Every mount a bind mount of its volume's folder; the termination-message file last. */
  private static void mounts(List<String> a, Launch launch) throws StartupError {
    Map<String, Volume> volumes = new LinkedHashMap<>();
    list(launch.pod().getSpec().getVolumes()).forEach(v -> volumes.put(v.getName(), v));
    for (VolumeMount m : list(launch.container().getVolumeMounts())) {
      Path folder = launch.volumes().get(m.getName());
      if (folder == null || !volumes.containsKey(m.getName())) {
        throw new StartupError(
            "CreateContainerConfigError",
            "volumeMount " + m.getMountPath() + " names no volume " + m.getName());
      }
      Path source =
          m.getSubPath() == null || m.getSubPath().isEmpty()
              ? folder
              : folder.resolve(m.getSubPath());
      boolean readOnly =
          Boolean.TRUE.equals(m.getReadOnly()) || projected(volumes.get(m.getName()));
      bind(a, source, m.getMountPath(), readOnly);
    }
    String messagePath =
        Objects.requireNonNullElse(
            launch.container().getTerminationMessagePath(), "/dev/termination-log");
    bind(a, launch.terminationLog(), messagePath, false);
  }

  /** Secret, ConfigMap, downward-API and projected volumes: the kubelet mounts them read-only. */
  static boolean projected(Volume v) {
    return v.getSecret() != null
        || v.getConfigMap() != null
        || v.getDownwardAPI() != null
        || v.getProjected() != null;
  }

  private static void bind(List<String> a, Path source, String destination, boolean readOnly) {
    a.add("--mount");
    a.add(
        "type=bind,source="
            + source.toAbsolutePath()
            + ",destination="
            + destination
            + (readOnly ? ",readonly" : ""));
  }

  /** The image's user without its group; none is root. */
  private static String imageUser(String user) {
    String name = user == null ? "" : user.strip().split(":", 2)[0];
    return name.isEmpty() ? "0" : name;
  }

  private static Long pick(
      SecurityContext sc,
      Function<SecurityContext, Long> container,
      PodSecurityContext psc,
      Function<PodSecurityContext, Long> pod) {
    Long value = sc == null ? null : container.apply(sc);
    return value != null || psc == null ? value : pod.apply(psc);
  }

  private static void label(List<String> a, String key, String value) {
    a.addAll(List.of("--label", key + "=" + value));
  }

  private static String json(String value) {
    try {
      return JSON.writeValueAsString(List.of(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> List<T> list(List<T> list) {
    return list == null ? List.of() : list;
  }
}
