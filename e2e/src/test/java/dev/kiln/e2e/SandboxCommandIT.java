package dev.kiln.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, as a separate process: it trains and serves the quickstart, prints a
 * prediction and exits 0; stopped with SIGTERM (what Ctrl-C's SIGINT also triggers) it leaves no
 * process behind.
 */
class SandboxCommandIT {
  @TempDir Path dir;

  @BeforeAll
  static void onlyForTheSandbox() {
    assumeTrue(
        System.getProperty("kiln.e2e.kubeconfig") == null
            && System.getenv("KILN_E2E_KUBECONFIG") == null,
        "runs the local sandbox only");
  }

  @Test
  void theQuickstartCommandPrintsAPredictionAndExitsCleanly() throws Exception {
    Sandboxed run = start();
    assertThat(run.ended(Duration.ofMinutes(3))).as(run.output()).isTrue();
    assertThat(run.process.exitValue()).as(run.output()).isZero();
    assertThat(run.output())
        .contains(
            "created trainingjob/iris-quickstart",
            "trainingjob/iris-quickstart",
            "Succeeded",
            "modelserver/iris-quickstart",
            "Ready",
            "Prediction from modelserver/iris-quickstart",
            "pods:    processes of this machine (--runtime=process)")
        .containsPattern("->  setosa 0\\.9\\d\\d");
    assertThat(processesStartedIn(dir)).as("no pod process outlives the sandbox").isEmpty();
  }

  @Test
  void stoppingAKeptRunningSandboxStopsEveryProcessItStarted() throws Exception {
    Sandboxed run = start("--keep-running");
    await()
        .atMost(Duration.ofMinutes(3))
        .until(() -> run.output().contains("The sandbox keeps running") || !run.process.isAlive());
    assertThat(run.process.isAlive()).as(run.output()).isTrue();
    assertThat(processesStartedIn(dir)).as("the model server runs").isNotEmpty();

    // SIGTERM, as Ctrl-C's SIGINT, runs the shutdown hooks. Process.destroy() would also close our
    // end of its output pipe, losing what it prints while stopping.
    assertThat(run.process.toHandle().destroy()).isTrue();
    assertThat(run.ended(Duration.ofMinutes(1))).as(run.output()).isTrue();
    assertThat(run.output()).contains("Stopping the sandbox");
    assertThat(processesStartedIn(dir)).as("no pod process outlives the sandbox").isEmpty();
  }

  @Test
  void aWrongOptionIsExplainedWithTheUsage() throws Exception {
    Sandboxed run = start("--timeout", "soon");
    assertThat(run.ended(Duration.ofMinutes(1))).as(run.output()).isTrue();
    assertThat(run.process.exitValue()).isEqualTo(2);
    assertThat(run.output()).contains("--timeout must be a number", "usage: sandbox");
  }

  @Test
  void aFileWithAnInvalidTrainingJobIsRefusedNamingTheFields() throws Exception {
    Path file = dir.resolve("sloppy.yaml");
    java.nio.file.Files.writeString(
        file,
        """
        apiVersion: kiln.dev/v1alpha1
        kind: TrainingJob
        metadata: {name: sloppy}
        spec: {workers: 0}
        """);
    Sandboxed run = start(file.toString());
    assertThat(run.ended(Duration.ofMinutes(2))).as(run.output()).isTrue();
    assertThat(run.process.exitValue()).as(run.output()).isEqualTo(2);
    assertThat(run.output())
        .contains("trainingjob/sloppy was refused", "spec.image: Required value", "spec.workers")
        .doesNotContain("Received status");
  }

  private record Sandboxed(Process process, List<String> lines, Thread reader) {
    String output() {
      return String.join("\n", lines);
    }

    /** Waits for the process to end and for its last line to be read. */
    boolean ended(Duration timeout) throws InterruptedException {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return false;
      }
      reader.join(Duration.ofSeconds(10).toMillis());
      return true;
    }
  }

  private Sandboxed start(String... options) throws IOException {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dkiln.root=" + E2eCluster.ROOT,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.kiln.sandbox.SandboxMain",
                // Pods as processes, which the checks below find by the folder they name;
                // ContainerModeIT runs pods as containers.
                "--runtime=process",
                "--dir",
                dir.toString()));
    command.addAll(List.of(options));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                in.lines().forEach(lines::add);
              } catch (IOException e) {
                // the process ended
              }
            });
    reader.setDaemon(true);
    reader.start();
    return new Sandboxed(process, lines, reader);
  }

  /** Processes whose command line names the sandbox folder: the pods' java programs. */
  private static List<ProcessHandle> processesStartedIn(Path dir) {
    String folder = dir.toString();
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(folder)).orElse(false))
        .filter(p -> p.pid() != ProcessHandle.current().pid())
        .toList();
  }
}
