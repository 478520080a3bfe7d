package dev.kiln.operator.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.PodOverrides;
import dev.kiln.api.v1alpha1.PodSecurityLevel;
import dev.kiln.api.v1alpha1.PodVolumeMount;
import dev.kiln.api.v1alpha1.TrainingJobSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every spec.pod collision with what Kiln owns is refused, naming the field (with its index) and
 * the value, and what is not Kiln's passes.
 */
class PodOverridesValidatorTest {
  private static List<String> problems(Consumer<PodOverrides.PodOverridesBuilder> pod) {
    PodOverrides.PodOverridesBuilder overrides = PodOverrides.builder();
    pod.accept(overrides);
    TrainingJobSpec spec = new TrainingJobSpec();
    spec.setPod(overrides.build());
    List<String> problems = new ArrayList<>();
    PodOverridesValidator.check(spec, problems);
    return problems;
  }

  private static Volume emptyDir(String name) {
    return new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build();
  }

  private static PodVolumeMount mount(String volume, String path) {
    return PodVolumeMount.builder().name(volume).mountPath(path).build();
  }

  @Test
  void aSpecWithoutPodOverridesHasNoProblems() {
    List<String> problems = new ArrayList<>();
    PodOverridesValidator.check(new TrainingJobSpec(), problems);
    assertThat(problems).isEmpty();
  }

  @Test
  void everythingAUserMaySetPasses() {
    assertThat(
            problems(
                p ->
                    p.labels(Map.of("team", "vision", "app.kubernetes.io/version", "2"))
                        .annotations(Map.of("sidecar.istio.io/inject", "false"))
                        .volumes(List.of(emptyDir("cache")))
                        .volumeMounts(List.of(mount("cache", "/tmp/cache")))
                        .sharedMemory("2Gi")
                        .runtimeClassName("nvidia")
                        .schedulerName("volcano")
                        .runAsUser(1000L)
                        .runAsGroup(0L)
                        .fsGroup(0L)))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "kiln.dev/trainingjob",
        "metrics.kiln.dev/scrape",
        "app.kubernetes.io/name",
        "app.kubernetes.io/instance",
        "app.kubernetes.io/component",
        "app.kubernetes.io/part-of",
        "app.kubernetes.io/managed-by",
        "batch.kubernetes.io/job-name",
        "controller-uid",
        "job-name",
        "pod-template-hash"
      })
  void aLabelKeyKilnOrKubernetesSetsIsRefusedByName(String key) {
    assertThat(problems(p -> p.labels(Map.of(key, "x"))))
        .containsExactly(
            "spec.pod.labels: key '" + key + "' is set by Kiln or Kubernetes; choose another");
  }

  @ParameterizedTest
  @ValueSource(strings = {"kiln.dev/hyperparameters", "batch.kubernetes.io/job-completion-index"})
  void anAnnotationKeyKilnOrTheJobControllerSetsIsRefusedByName(String key) {
    assertThat(problems(p -> p.annotations(Map.of(key, "x"))))
        .containsExactly(
            "spec.pod.annotations: key '" + key + "' is set by Kiln or Kubernetes; choose another");
  }

  @Test
  void malformedKeysAndLabelValuesAreRefused() {
    assertThat(problems(p -> p.labels(Map.of("team name", "ml", "team", "a b"))))
        .anySatisfy(m -> assertThat(m).startsWith("spec.pod.labels: key 'team name' is not"))
        .anySatisfy(m -> assertThat(m).startsWith("spec.pod.labels.team: 'a b' is not a valid"));
    String longPrefix = "a".repeat(254) + "/x";
    assertThat(problems(p -> p.annotations(Map.of(longPrefix, "1"))))
        .singleElement()
        .satisfies(m -> assertThat(m).startsWith("spec.pod.annotations: key '" + longPrefix));
    assertThat(problems(p -> p.annotations(Map.of("a", "x".repeat(2049)))))
        .containsExactly("spec.pod.annotations.a: at most 2048 characters");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "workspace",
        "kiln-meta",
        "report-token",
        "tmp",
        "dataset-source",
        "dshm",
        "model",
        "kiln-cache"
      })
  void aVolumeNamedLikeOneOfKilnsIsRefused(String name) {
    assertThat(problems(p -> p.volumes(List.of(emptyDir("cache"), emptyDir(name)))))
        .singleElement()
        .satisfies(
            m -> assertThat(m).startsWith("spec.pod.volumes[1].name: '" + name + "' is the name"));
  }

  @Test
  void volumeNamesAreUniqueDnsLabels() {
    assertThat(problems(p -> p.volumes(List.of(emptyDir("a"), emptyDir("a")))))
        .containsExactly("spec.pod.volumes[1].name: 'a' is used by another volume");
    assertThat(problems(p -> p.volumes(List.of(emptyDir("Cache")))))
        .singleElement()
        .satisfies(m -> assertThat(m).startsWith("spec.pod.volumes[0].name: 'Cache' must be"));
    assertThat(problems(p -> p.volumes(List.of(emptyDir(null)))))
        .containsExactly("spec.pod.volumes[0].name: is required");
  }

  @Test
  void hostPathIsRefusedEvenAtBaseline() {
    Volume host =
        new VolumeBuilder().withName("h").withNewHostPath().withPath("/x").endHostPath().build();
    assertThat(problems(p -> p.securityLevel(PodSecurityLevel.baseline).volumes(List.of(host))))
        .containsExactly(
            "spec.pod.volumes[0].hostPath: not allowed: it needs the privileged Pod Security"
                + " level");
  }

  @Test
  void aVolumeTypeBeyondRestrictedNeedsBaseline() {
    Volume nfs =
        new VolumeBuilder().withName("shared").withNewNfs("/exports", false, "nfs.example").build();
    assertThat(problems(p -> p.volumes(List.of(nfs))))
        .singleElement()
        .satisfies(
            m ->
                assertThat(m)
                    .startsWith("spec.pod.volumes[0]: the restricted security level admits only")
                    .contains("spec.pod.securityLevel: baseline"));
    assertThat(problems(p -> p.securityLevel(PodSecurityLevel.baseline).volumes(List.of(nfs))))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/kiln",
        "/kiln/data/extra",
        "/etc/kiln/meta",
        "/var/run/kiln",
        "/run/kiln/x",
        "/dev/shm",
        "/dev/termination-log",
        "/tmp",
        "/tmp/",
        "//kiln/model"
      })
  void aMountAtOneOfKilnsPathsIsRefused(String path) {
    assertThat(
            problems(
                p ->
                    p.volumes(List.of(emptyDir("cache")))
                        .volumeMounts(List.of(mount("cache", "/cache"), mount("cache", path)))))
        .singleElement()
        .satisfies(
            m ->
                assertThat(m)
                    .startsWith("spec.pod.volumeMounts[1].mountPath: '" + path + "' is Kiln's"));
  }

  @Test
  void mountPathsAreAbsolutePlainAndUnique() {
    Consumer<PodOverrides.PodOverridesBuilder> relative =
        p -> p.volumes(List.of(emptyDir("c"))).volumeMounts(List.of(mount("c", "data")));
    assertThat(problems(relative))
        .containsExactly("spec.pod.volumeMounts[0].mountPath: 'data' must be an absolute path");
    assertThat(
            problems(
                p ->
                    p.volumes(List.of(emptyDir("c")))
                        .volumeMounts(List.of(mount("c", "/data/../kiln")))))
        .singleElement()
        .satisfies(m -> assertThat(m).contains("must not have '.' or '..' segments"));
    assertThat(
            problems(
                p ->
                    p.volumes(List.of(emptyDir("c")))
                        .volumeMounts(List.of(mount("c", "/data"), mount("c", "/data")))))
        .containsExactly("spec.pod.volumeMounts[1].mountPath: '/data' is used by another mount");
  }

  @Test
  void aMountMustNameOneOfTheUsersVolumesNotKilns() {
    assertThat(problems(p -> p.volumeMounts(List.of(mount("workspace", "/data")))))
        .containsExactly(
            "spec.pod.volumeMounts[0].name: 'workspace' is not a volume of spec.pod.volumes");
  }

  @Test
  void subPathAndSubPathExprExcludeEachOther() {
    PodVolumeMount both = mount("c", "/data").toBuilder().subPath("a").subPathExpr("$(X)").build();
    assertThat(problems(p -> p.volumes(List.of(emptyDir("c"))).volumeMounts(List.of(both))))
        .containsExactly("spec.pod.volumeMounts[0]: set at most one of subPath and subPathExpr");
  }

  @Test
  void listsAreBounded() {
    List<Volume> many = new ArrayList<>();
    for (int i = 0; i < 33; i++) {
      many.add(emptyDir("v" + i));
    }
    assertThat(problems(p -> p.volumes(many)))
        .containsExactly("spec.pod.volumes: at most 32 items, has 33");
    Map<String, String> labels = new HashMap<>();
    for (int i = 0; i < 33; i++) {
      labels.put("l" + i, "x");
    }
    assertThat(problems(p -> p.labels(labels)))
        .containsExactly("spec.pod.labels: at most 32 keys, has 33");
  }

  @Test
  void rootNeedsTheBaselineOptIn() {
    assertThat(problems(p -> p.runAsUser(0L)))
        .containsExactly(
            "spec.pod.runAsUser: 0 runs the containers as root, which needs"
                + " spec.pod.securityLevel: baseline");
    assertThat(problems(p -> p.runAsUser(0L).securityLevel(PodSecurityLevel.baseline))).isEmpty();
  }

  @Test
  void idsSizesAndNamesOutOfRangeAreRefused() {
    assertThat(problems(p -> p.runAsUser(-1L).fsGroup(3_000_000_000L)))
        .containsExactly(
            "spec.pod.runAsUser: -1 must be between 0 and 2147483647",
            "spec.pod.fsGroup: 3000000000 must be between 0 and 2147483647");
    assertThat(problems(p -> p.sharedMemory("0")))
        .containsExactly("spec.pod.sharedMemory: '0' must be a positive size, e.g. 2Gi");
    assertThat(problems(p -> p.sharedMemory("lots")))
        .containsExactly("spec.pod.sharedMemory: 'lots' must be a positive size, e.g. 2Gi");
    assertThat(problems(p -> p.runtimeClassName("NVIDIA").schedulerName("my_scheduler")))
        .containsExactly(
            "spec.pod.runtimeClassName: 'NVIDIA' must be a DNS subdomain",
            "spec.pod.schedulerName: 'my_scheduler' must be a DNS subdomain");
  }
}
