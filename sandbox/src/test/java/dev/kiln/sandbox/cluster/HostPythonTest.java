package dev.kiln.sandbox.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostPythonTest {
  @TempDir Path dir;

  private HostPython python() {
    return new HostPython(Path.of("/usr/bin/python3"), dir.resolve("python"));
  }

  @Test
  void pythonTorchrunAndUvicornBecomeThisInterpreterAndItsModules() throws Exception {
    HostPython python = python();
    assertThat(python.argv(List.of("python", "train.py", "--epochs", "3")))
        .containsExactly("/usr/bin/python3", "train.py", "--epochs", "3");
    assertThat(python.argv(List.of("/usr/local/bin/python3.11", "-u", "train.py")))
        .containsExactly("/usr/bin/python3", "-u", "train.py");
    assertThat(python.argv(List.of("torchrun", "--nproc_per_node=1", "train.py")))
        .containsExactly(
            "/usr/bin/python3", "-m", "torch.distributed.run", "--nproc_per_node=1", "train.py");
    assertThat(python.argv(List.of("uvicorn", "app:app", "--port", "8080")))
        .containsExactly("/usr/bin/python3", "-m", "uvicorn", "app:app", "--port", "8080");
    assertThat(python.argv(List.of("/bin/sh", "-c", "python train.py")))
        .containsExactly("/bin/sh", "-c", "python train.py");
  }

  @Test
  void anotherProgramCannotStartAndTheMessageSaysWhatCan() {
    assertThatThrownBy(() -> python().argv(List.of("node", "server.js")))
        .isInstanceOf(StartupError.class)
        .hasMessageContaining("exec: \"node\"")
        .hasMessageContaining("python, python3, torchrun, uvicorn, gunicorn or sh -c")
        .extracting(e -> ((StartupError) e).reason())
        .isEqualTo("CreateContainerError");
  }

  @Test
  void aShellCommandFindsTheShimsFirstOnPath() throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("PATH", "/usr/local/bin:/usr/bin"));
    python().addTo(env);
    Path bin = dir.resolve("python/bin");
    assertThat(env.get("PATH")).isEqualTo(bin + ":/usr/local/bin:/usr/bin");
    assertThat(Files.readString(bin.resolve("torchrun")))
        .contains("exec '/usr/bin/python3' -m torch.distributed.run \"$@\"");
    assertThat(bin.resolve("python")).isExecutable();
    assertThat(env).containsEntry("GLOO_SOCKET_IFNAME", "lo").containsKey("PYTHONPYCACHEPREFIX");
  }

  @Test
  void aPythonImageRunsItsCmdFromItsContextWithPathsAndNamesPlacedOnThisMachine() throws Exception {
    Path context = Files.createDirectories(dir.resolve("ctx"));
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nCMD [\"python\", \"/app/train.py\"]\n");
    LocalImage image = UserImageReader.read("train", context);
    PodNetwork network = new PodNetwork();
    ContainerRoot root =
        new ContainerRoot(
            dir.resolve("root"),
            List.of(
                new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build(),
                new VolumeMountBuilder().withName("model").withMountPath("/kiln/model").build()),
            Map.of(
                "tmp",
                Files.createDirectories(dir.resolve("tmp")),
                "model",
                Files.createDirectories(dir.resolve("model"))));
    ContainerSite site =
        new ContainerSite(
            "ddp-1-1",
            "127.0.0.9",
            root,
            new ClusterDns(network, (ns, n) -> Optional.empty()),
            dir.resolve("term"));
    ContainerCommand cmd =
        ContainerCommand.of(
            new ContainerBuilder().withName("trainer").build(),
            image,
            Map.of(
                "MASTER_ADDR", "ddp-1-0.ddp-workers.team.svc",
                "KILN_MODEL_DIR", "/kiln/model"),
            site,
            python());
    assertThat(cmd.argv())
        .containsExactly("/usr/bin/python3", context.resolve("train.py").toString());
    assertThat(cmd.workdir()).isEqualTo(context);
    assertThat(cmd.env())
        .containsEntry("MASTER_ADDR", network.named("team", "ddp-1-0", "ddp-workers", List.of()))
        .containsEntry("KILN_MODEL_DIR", dir.resolve("root/kiln/model").toString())
        .containsEntry("TMPDIR", dir.resolve("root/tmp").toString())
        .containsEntry("HOSTNAME", "ddp-1-1");
  }

  @Test
  void theImportCheckNamesWhatTheHostLacksAndTheDebianPackages() throws Exception {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/python3")),
        "needs /usr/bin/python3 (Debian, Ubuntu: apt-get install python3)");
    Path context = Files.createDirectories(dir.resolve("ctx"));
    Files.writeString(
        context.resolve("train.py"),
        """
        import os, json
        import helpers
        from sklearn import svm
        try:
            import onnx_is_optional_here
        except ImportError:
            pass
        """);
    Files.writeString(
        context.resolve("helpers.py"), "def f():\n    import kiln_no_such_module.sub\n");
    ContainerCommand cmd =
        new ContainerCommand(
            List.of("/usr/bin/python3", "train.py"), Map.of("PATH", "/usr/bin"), context);
    Optional<HostGap> gap = new PythonImports(python()).check(cmd);
    assertThat(gap).isPresent();
    assertThat(gap.get().log())
        .contains("No module named 'kiln_no_such_module' (imported by helpers.py)")
        .doesNotContain("onnx_is_optional_here")
        .contains("sudo apt-get install python3-kiln-no-such-module");
    assertThat(gap.get().exitCode()).isEqualTo(1);
    assertThat(DebianPackages.of(List.of("sklearn", "torch", "yaml", "PIL")))
        .containsExactly("python3-sklearn", "python3-torch", "python3-yaml", "python3-pil");
  }

  @Test
  void aHostWithoutTheInterpreterIsToldToInstallPython3() {
    HostPython none = new HostPython(dir.resolve("no/python3"), dir.resolve("python"));
    HostGap gap =
        new PythonImports(none)
            .check(new ContainerCommand(List.of("x"), Map.of(), dir))
            .orElseThrow();
    assertThat(gap.notice())
        .contains("no Python at " + dir.resolve("no/python3"))
        .contains("sudo apt-get install python3")
        .contains("-Dkiln.sandbox.python=PATH or KILN_SANDBOX_PYTHON=PATH");
    assertThat(gap.failing(new ContainerCommand(List.of("x"), Map.of(), dir)).argv())
        .startsWith("/bin/sh", "-c")
        .endsWith(gap.log());
  }
}
