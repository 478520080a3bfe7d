package dev.kiln.operator.it;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The trainer container of a Job Kiln built, as a local process would see it: its environment with
 * the pod's paths mapped into a directory, the hyperparameters file and report token the pod would
 * have mounted, and the report URL pointing at the operator on loopback.
 */
public final class LocalPod {
  private final Path dir;
  private final Map<String, String> env = new HashMap<>();

  public LocalPod(Job job, String reportToken, int reportPort, Path dir) throws IOException {
    this.dir = dir;
    Container trainer = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    for (EnvVar v : trainer.getEnv()) {
      if (v.getValue() != null) {
        env.put(v.getName(), v.getValue());
      }
    }
    Path hparams = dir.resolve("hyperparameters.json");
    Files.writeString(
        hparams,
        job.getSpec().getTemplate().getMetadata().getAnnotations().get("kiln.dev/hyperparameters"));
    Path token = dir.resolve("token");
    Files.writeString(token, reportToken);
    // What the pod's attempt step leaves for its first pod.
    env.put("KILN_ATTEMPT_FILE", Files.writeString(dir.resolve("attempt"), "1\n").toString());
    env.put("KILN_DATA_DIR", Files.createDirectories(dir.resolve("data")).toString());
    env.put("KILN_CHECKPOINT_DIR", dir.resolve("checkpoints").toString());
    env.put("KILN_MODEL_DIR", modelDir().toString());
    env.put("KILN_HPARAMS_FILE", hparams.toString());
    env.put("KILN_REPORT_TOKEN_FILE", token.toString());
    env.put("KILN_TERMINATION_LOG", terminationLog().toString());
    env.put(
        "KILN_REPORT_URL",
        "http://127.0.0.1:" + reportPort + URI.create(env.get("KILN_REPORT_URL")).getPath());
  }

  public Map<String, String> environment() {
    return env;
  }

  public Path dataDir() {
    return dir.resolve("data");
  }

  public Path modelDir() {
    return dir.resolve("model");
  }

  public Path terminationLog() {
    return dir.resolve("termination-log");
  }
}
