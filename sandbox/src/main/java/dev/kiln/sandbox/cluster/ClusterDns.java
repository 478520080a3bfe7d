package dev.kiln.sandbox.cluster;

import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cluster DNS for a container's environment and arguments, since its processes resolve names with
 * this machine's resolver: a pod's name {@code <hostname>.<subdomain>.<namespace>.svc} (an Indexed
 * Job's pod under its headless Service, such as {@code MASTER_ADDR} or {@code
 * KILN_COORDINATOR_ADDR}) becomes that pod's loopback address, a Service's name {@code
 * <service>.<namespace>.svc} its kube-proxy address when it has one, each with or without {@code
 * .cluster.local}. And {@code 0.0.0.0} (listen on every address of the pod) becomes the pod's own
 * address, so servers of two pods can both listen on their port. Names are resolved when the
 * container starts.
 */
final class ClusterDns {
  private static final String LABEL = "[a-z0-9](?:[-a-z0-9]*[a-z0-9])?";
  private static final Pattern NAME =
      Pattern.compile(
          "(?<![\\w.-])((?:"
              + LABEL
              + "\\.){2,3})svc(?:\\.cluster\\.local)?\\.?(?![\\w-]|\\.[\\w-])(:(\\d{1,5}))?");
  private static final Pattern ANY_ADDRESS = Pattern.compile("(?<![\\d.])0\\.0\\.0\\.0(?![\\d.])");

  private final PodNetwork network;
  private final BiFunction<String, String, Optional<String>> serviceAddress;

  /** Pod names from {@code network}; Service names from {@code serviceAddress(namespace, name)}. */
  ClusterDns(PodNetwork network, BiFunction<String, String, Optional<String>> serviceAddress) {
    this.network = network;
    this.serviceAddress = serviceAddress;
  }

  /**
   * {@code text} with the cluster names in it resolved, for a container of a pod at {@code podIp}.
   */
  String resolve(String text, String podIp) {
    if (text == null) {
      return null;
    }
    Matcher m = NAME.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String dotted = m.group(1);
      String[] labels = dotted.substring(0, dotted.length() - 1).split("\\.", -1);
      String port = m.group(3);
      Optional<String> address =
          labels.length == 3
              ? Optional.of(
                  network.named(
                      labels[2],
                      labels[0],
                      labels[1],
                      port == null || Integer.parseInt(port) > 65535
                          ? List.of()
                          : List.of(Integer.parseInt(port))))
              : serviceAddress.apply(labels[1], labels[0]);
      String replacement = address.map(a -> a + (port == null ? "" : ":" + port)).orElse(m.group());
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return ANY_ADDRESS.matcher(out).replaceAll(Matcher.quoteReplacement(podIp));
  }
}
