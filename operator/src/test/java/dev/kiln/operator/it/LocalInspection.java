package dev.kiln.operator.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * The inspect Job Kiln created, run for real: the loader jar's {@code inspect} with the Job's own
 * arguments on a local model dir (mapped from /kiln/model), its termination log played back as the
 * inspect pod's termination message. So the arguments the operator builds and the result it reads
 * are the loader's, not a stand-in's.
 */
final class LocalInspection {
  static final Path LOADER = Path.of("../images/loader/target/kiln-loader.jar");

  /** How the loader exited and what it left in its termination log. */
  record Exit(int code, String message, String output) {}

  private LocalInspection() {}

  /** Waits for the run's inspect Job, runs it on {@code modelDir} and plays its pod and Job. */
  static Exit inspect(KilnTestCluster cluster, String trainingJob, Path modelDir, Path work)
      throws Exception {
    String name = trainingJob + "-inspect";
    Job job =
        Awaitility.await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    cluster
                        .client()
                        .batch()
                        .v1()
                        .jobs()
                        .inNamespace(KilnTestCluster.NS)
                        .withName(name)
                        .get(),
                java.util.Objects::nonNull);
    Exit exit = run(job, modelDir, work);
    cluster.inspection(trainingJob, exit.code(), exit.message());
    return exit;
  }

  /** The Job's inspect container as a process; the model dir replaces /kiln/model. */
  static Exit run(Job job, Path modelDir, Path work) throws Exception {
    assertThat(LOADER).as("build the loader first: ./mvnw verify builds it before this").exists();
    Path log = Files.createDirectories(work).resolve("inspect-termination-log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(LOADER.toAbsolutePath().toString());
    for (String arg : job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()) {
      command.add(arg.equals("/kiln/model") ? modelDir.toString() : arg);
    }
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("KILN_TERMINATION_LOG", log.toString());
    Process process = pb.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
    return new Exit(process.exitValue(), Files.readString(log), output);
  }
}
