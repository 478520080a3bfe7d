package dev.kiln.sandbox.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerCommandTest {
  @TempDir Path dir;

  private final LocalImage loader =
      new LocalImage(
          "kiln-loader",
          "0.1.0",
          Map.of("KILN_PVC_ROOT", "/mnt/pvc", "FROM_IMAGE", "image"),
          List.of("java", "-jar", "kiln-loader.jar"),
          List.of("--help"),
          Path.of("/opt/images/loader/target"),
          "65532:65532");

  private ContainerCommand command(Container c, Map<String, String> env) throws Exception {
    ContainerRoot root =
        new ContainerRoot(
            dir.resolve("root"),
            c.getVolumeMounts() == null ? List.of() : c.getVolumeMounts(),
            Map.of(
                "data",
                Files.createDirectories(dir.resolve("data")),
                "tmp",
                Files.createDirectories(dir.resolve("tmp"))));
    ContainerSite site =
        new ContainerSite(
            "pod-1",
            "127.0.0.9",
            root,
            new ClusterDns(new PodNetwork(), (ns, name) -> java.util.Optional.empty()),
            dir.resolve("term"));
    return ContainerCommand.of(
        c, loader, env, site, new HostPython(Path.of("/usr/bin/python3"), dir.resolve("py")));
  }

  @Test
  void argsReplaceTheImagesCmdAndPathsOnMountsAreMapped() throws Exception {
    Container c =
        new ContainerBuilder()
            .withName("fetch-dataset")
            .withArgs("download", "https://example.org/iris.csv", "/kiln/data")
            .withVolumeMounts(
                new VolumeMountBuilder().withName("data").withMountPath("/kiln/data").build(),
                new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build())
            .build();
    ContainerCommand cmd = command(c, Map.of());
    assertThat(cmd.argv().get(0)).endsWith("/bin/java");
    assertThat(cmd.argv())
        .containsSubsequence(
            "-Djava.io.tmpdir=" + dir.resolve("root/tmp"), "-jar", "kiln-loader.jar")
        .endsWith(
            "download", "https://example.org/iris.csv", dir.resolve("root/kiln/data").toString())
        .doesNotContain("--help");
    assertThat(cmd.workdir()).isEqualTo(Path.of("/opt/images/loader/target"));
  }

  @Test
  void theContainersEnvironmentWinsOverTheImagesAndTheSandboxAddsItsOwn() throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("FROM_IMAGE", "pod");
    env.put("KILN_TERMINATION_LOG", "/somewhere/else");
    ContainerCommand cmd = command(new ContainerBuilder().withName("c").build(), env);
    assertThat(cmd.env())
        .containsEntry("FROM_IMAGE", "pod")
        .containsEntry("KILN_PVC_ROOT", "/mnt/pvc")
        .containsEntry("KILN_HOST", "127.0.0.9")
        .containsEntry("HOSTNAME", "pod-1")
        .as("the kubelet owns the termination message file")
        .containsEntry("KILN_TERMINATION_LOG", dir.resolve("term").toString());
    assertThat(cmd.argv()).endsWith("--help");
  }

  @Test
  void aMemoryLimitIsTheJvmsViewOfTheMachine() throws Exception {
    Container c =
        new ContainerBuilder()
            .withName("c")
            .withNewResources()
            .addToLimits("memory", new Quantity("512Mi"))
            .endResources()
            .build();
    assertThat(command(c, Map.of()).argv()).contains("-XX:MaxRAM=" + (512L << 20));
  }

  @Test
  void commandReplacesTheEntrypointAndVariablesAreExpanded() throws Exception {
    Container c =
        new ContainerBuilder()
            .withName("c")
            .withCommand("java", "-jar", "other.jar")
            .withArgs("--name=$(NAME)", "$$(NAME)")
            .build();
    assertThat(command(c, Map.of("NAME", "iris")).argv())
        .endsWith("-jar", "other.jar", "--name=iris", "$(NAME)");
    Container shell =
        new ContainerBuilder().withName("c").withCommand("sh", "-c", "exit 3").build();
    assertThatThrownBy(() -> command(shell, Map.of()))
        .isInstanceOf(StartupError.class)
        .hasMessageContaining("\"sh\"")
        .hasMessageContaining("java programs only");
  }
}
