package dev.kiln.sandbox;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupList;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersions;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The discovery documents ({@code /api}, {@code /apis}, {@code /api/v1}, {@code /apis/<g>/<v>})
 * that kubectl needs before it will send a request: the mock API server does not serve them. They
 * list the kinds Kiln and the sandbox use, and Kiln's CRDs with their short names and categories,
 * so {@code kubectl get tj,ms} and {@code kubectl get kiln} work. Upstream:
 * https://github.com/fabric8io/kubernetes-client/issues/6062; can go once the mock serves
 * discovery.
 */
final class ApiDiscovery {
  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  /**
   * The built-in kinds Kiln and the sandbox use, one a line: group/version, kind, plural, scope,
   * the short name, if any, and {@code +all} for those in the category {@code all} ({@code kubectl
   * get all}).
   */
  private static final String BUILT_IN =
      """
      v1 Pod pods namespaced po +all
      v1 Service services namespaced svc +all
      v1 ConfigMap configmaps namespaced cm
      v1 Secret secrets namespaced
      v1 Event events namespaced ev
      v1 PersistentVolumeClaim persistentvolumeclaims namespaced pvc
      v1 ServiceAccount serviceaccounts namespaced sa
      v1 Namespace namespaces cluster ns
      v1 Node nodes cluster no
      apps/v1 Deployment deployments namespaced deploy +all
      apps/v1 ReplicaSet replicasets namespaced rs +all
      batch/v1 Job jobs namespaced +all
      autoscaling/v2 HorizontalPodAutoscaler horizontalpodautoscalers namespaced hpa +all
      networking.k8s.io/v1 NetworkPolicy networkpolicies namespaced netpol
      policy/v1 PodDisruptionBudget poddisruptionbudgets namespaced pdb
      coordination.k8s.io/v1 Lease leases namespaced
      apiextensions.k8s.io/v1 CustomResourceDefinition customresourcedefinitions cluster crd
      """;

  /** group/version → its resources. The core group is "" (served under /api/v1). */
  private final Map<String, List<APIResource>> resources = new LinkedHashMap<>();

  ApiDiscovery(List<CustomResourceDefinition> crds) {
    for (String line : BUILT_IN.lines().toList()) {
      List<String> f = List.of(line.split(" ", -1));
      List<String> rest = f.subList(4, f.size());
      List<String> shortNames = rest.stream().filter(t -> !t.startsWith("+")).toList();
      List<String> categories =
          rest.stream().filter(t -> t.startsWith("+")).map(t -> t.substring(1)).toList();
      add(
          f.get(0),
          resource(f.get(1), f.get(2), f.get(3).equals("namespaced"), shortNames)
              .withCategories(categories),
          true);
    }
    for (CustomResourceDefinition crd : crds) {
      CustomResourceDefinitionNames names = crd.getSpec().getNames();
      boolean namespaced = "Namespaced".equals(crd.getSpec().getScope());
      for (var version : crd.getSpec().getVersions()) {
        add(
            crd.getSpec().getGroup() + "/" + version.getName(),
            resource(names.getKind(), names.getPlural(), namespaced, names.getShortNames())
                .withCategories(names.getCategories())
                .withSingularName(names.getSingular()),
            version.getSubresources() != null && version.getSubresources().getStatus() != null);
      }
    }
  }

  /** A resource of a group/version, with its {@code /status} subresource if it has one. */
  private void add(String groupVersion, APIResourceBuilder resource, boolean withStatus) {
    APIResource main = resource.build();
    List<APIResource> list = resources.computeIfAbsent(groupVersion, k -> new ArrayList<>());
    list.add(main);
    if (withStatus) {
      list.add(
          resource(main.getKind(), main.getName() + "/status", main.getNamespaced(), List.of())
              .withVerbs("get", "patch", "update")
              .build());
    }
  }

  private static APIResourceBuilder resource(
      String kind, String plural, boolean namespaced, List<String> shortNames) {
    return new APIResourceBuilder()
        .withKind(kind)
        .withName(plural)
        .withSingularName("")
        .withNamespaced(namespaced)
        .withShortNames(shortNames)
        .withVerbs(VERBS);
  }

  /** {@code /api}: the core group's versions. */
  APIVersions coreVersions() {
    return new APIVersionsBuilder().withVersions("v1").build();
  }

  /** {@code /apis}: every named group with its versions. */
  APIGroupList groups() {
    Map<String, APIGroupBuilder> groups = new LinkedHashMap<>();
    for (String gv : groupVersions()) {
      String[] parts = gv.split("/", -1);
      groups
          .computeIfAbsent(parts[0], g -> new APIGroupBuilder().withName(g))
          .addNewVersion()
          .withGroupVersion(gv)
          .withVersion(parts[1])
          .endVersion();
    }
    List<APIGroup> list = new ArrayList<>();
    groups
        .values()
        .forEach(
            b -> {
              APIGroup group = b.build();
              group.setPreferredVersion(group.getVersions().get(0));
              list.add(group);
            });
    return new APIGroupListBuilder().withGroups(list).build();
  }

  /** The named group/versions, e.g. {@code batch/v1} (the core {@code v1} is not among them). */
  List<String> groupVersions() {
    return resources.keySet().stream().filter(gv -> gv.contains("/")).toList();
  }

  /** {@code /api/v1} or {@code /apis/<group>/<version>}. */
  APIResourceList resources(String groupVersion) {
    return new APIResourceListBuilder()
        .withGroupVersion(groupVersion)
        .withResources(resources.get(groupVersion))
        .build();
  }

  /** The path a group/version's resource list is served at. */
  static String path(String groupVersion) {
    return groupVersion.contains("/") ? "/apis/" + groupVersion : "/api/" + groupVersion;
  }

  /** The resource {@code plural} of a group/version (or a subresource such as pods/status). */
  Optional<APIResource> resource(String groupVersion, String plural) {
    return resources.getOrDefault(groupVersion, List.of()).stream()
        .filter(r -> r.getName().equals(plural))
        .findFirst();
  }

  /** Whether discovery lists the resource. */
  boolean has(String groupVersion, String plural) {
    return resource(groupVersion, plural).isPresent();
  }

  List<String> allGroupVersions() {
    return List.copyOf(resources.keySet());
  }
}
