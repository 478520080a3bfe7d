package dev.kiln.charts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Pod Security Standard "restricted" checks that apply to a rendered pod spec: what the
 * admission controller would reject, as messages naming the container and field.
 */
final class RestrictedPodSecurity {
  private RestrictedPodSecurity() {}

  @SuppressWarnings("unchecked")
  static List<String> violations(Map<String, Object> podSpec) {
    List<String> problems = new ArrayList<>();
    Object podRunAsNonRoot = Charts.at(podSpec, "securityContext", "runAsNonRoot");
    Object podSeccomp = Charts.at(podSpec, "securityContext", "seccompProfile", "type");
    for (String list : List.of("initContainers", "containers")) {
      for (Map<String, Object> c :
          (List<Map<String, Object>>) podSpec.getOrDefault(list, List.of())) {
        String name = (String) c.get("name");
        Object runAsNonRoot = Charts.at(c, "securityContext", "runAsNonRoot");
        if (!Boolean.TRUE.equals(runAsNonRoot) && !Boolean.TRUE.equals(podRunAsNonRoot)) {
          problems.add(name + ": runAsNonRoot must be true");
        }
        if (!Boolean.FALSE.equals(Charts.at(c, "securityContext", "allowPrivilegeEscalation"))) {
          problems.add(name + ": allowPrivilegeEscalation must be false");
        }
        Object drop = Charts.at(c, "securityContext", "capabilities", "drop");
        if (!(drop instanceof List<?> d) || !d.contains("ALL")) {
          problems.add(name + ": capabilities.drop must include ALL");
        }
        Object add = Charts.at(c, "securityContext", "capabilities", "add");
        if (add instanceof List<?> a && a.stream().anyMatch(x -> !"NET_BIND_SERVICE".equals(x))) {
          problems.add(name + ": capabilities.add may only hold NET_BIND_SERVICE");
        }
        Object seccomp = Charts.at(c, "securityContext", "seccompProfile", "type");
        Object effective = seccomp != null ? seccomp : podSeccomp;
        if (!"RuntimeDefault".equals(effective) && !"Localhost".equals(effective)) {
          problems.add(name + ": seccompProfile.type must be RuntimeDefault or Localhost");
        }
        if (Boolean.TRUE.equals(Charts.at(c, "securityContext", "privileged"))) {
          problems.add(name + ": privileged is not allowed");
        }
      }
    }
    for (Map<String, Object> v :
        (List<Map<String, Object>>) podSpec.getOrDefault("volumes", List.of())) {
      if (v.containsKey("hostPath")) {
        problems.add("volume " + v.get("name") + ": hostPath is not allowed");
      }
    }
    if (Boolean.TRUE.equals(podSpec.get("hostNetwork"))
        || Boolean.TRUE.equals(podSpec.get("hostPID"))
        || Boolean.TRUE.equals(podSpec.get("hostIPC"))) {
      problems.add("host namespaces are not allowed");
    }
    return problems;
  }
}
