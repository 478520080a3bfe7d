package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.operator.support.KilnLabels;
import dev.kiln.operator.trainingjob.TrainingJobNames.Child;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pod contract (docs/pod-contract.md): the KILN_* environment and the paths every training
 * image may rely on. Kept in one place so the builder, the docs and the sandbox agree.
 */
public final class PodContract {
  public static final String DATA_DIR = "/kiln/data";
  public static final String CHECKPOINT_DIR = "/kiln/checkpoints";
  public static final String MODEL_DIR = "/kiln/model";
  public static final String META_DIR = "/etc/kiln/meta";
  public static final String HPARAMS_FILE = META_DIR + "/hyperparameters.json";
  public static final String REPORT_TOKEN_DIR = "/var/run/kiln/report";
  public static final String REPORT_TOKEN_FILE = REPORT_TOKEN_DIR + "/token";
  public static final String PVC_ROOT = "/mnt/pvc";

  /** Where the attempt step writes the pod's attempt number for the trainer (KILN_ATTEMPT_FILE). */
  public static final String ATTEMPT_DIR = "/var/run/kiln/attempt";

  public static final String ATTEMPT_FILE = ATTEMPT_DIR + "/attempt";

  /** Where the attempt step mounts the workspace's ledger of attempts (sub-path "attempts"). */
  public static final String ATTEMPT_LEDGER = "/kiln/attempts";

  public static final int COORDINATOR_PORT = 29500;
  public static final String HP_PREFIX = "KILN_HP_";

  /** The pod annotation where the Job controller puts a worker's index. */
  static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";

  /** The pod annotation the hyperparameters file is projected from (downward API). */
  public static final String HPARAMS_ANNOTATION = KilnLabels.KILN + "hyperparameters";

  private PodContract() {}

  /** The path under which the trainer reports progress for this job. */
  public static String reportPath(String namespace, String name) {
    return "/v1/namespaces/" + namespace + "/trainingjobs/" + name + "/report";
  }

  /**
   * A hyperparameter's environment name: learning_rate, learningRate and learning-rate all become
   * KILN_HP_LEARNING_RATE.
   */
  public static String hyperparameterEnvName(String name) {
    String snake = name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("[^A-Za-z0-9]", "_");
    return HP_PREFIX + snake.toUpperCase(Locale.ROOT);
  }

  /** The environment of the trainer and prepare containers, in a stable order. */
  public static List<EnvVar> environment(TrainingJob tj, String reportBaseUrl) {
    String namespace = tj.getMetadata().getNamespace();
    String name = tj.getMetadata().getName();
    List<EnvVar> env = new ArrayList<>();
    env.add(value("KILN_JOB_NAME", name));
    env.add(value("KILN_NAMESPACE", namespace));
    env.add(attemptFile());
    env.add(value("KILN_DATA_DIR", DATA_DIR));
    env.add(value("KILN_CHECKPOINT_DIR", CHECKPOINT_DIR));
    env.add(value("KILN_MODEL_DIR", MODEL_DIR));
    env.add(value("KILN_HPARAMS_FILE", HPARAMS_FILE));
    hyperparameters(tj).forEach((k, v) -> env.add(value(hyperparameterEnvName(k), v)));
    env.add(value("KILN_REPORT_URL", stripSlash(reportBaseUrl) + reportPath(namespace, name)));
    env.add(value("KILN_REPORT_TOKEN_FILE", REPORT_TOKEN_FILE));
    int workers = workers(tj);
    if (workers > 1) {
      env.add(value("KILN_WORKERS", Integer.toString(workers)));
      env.add(workerIndex("KILN_WORKER_INDEX"));
      env.add(value("KILN_COORDINATOR_ADDR", coordinatorAddress(tj)));
    }
    return env;
  }

  /**
   * KILN_ATTEMPT_FILE: the file holding this pod's attempt number, 1 for a worker's first pod,
   * which the attempt step counted on the workspace when the pod began. A file, not a variable:
   * only a step inside the pod can know the number, and no step can set another container's
   * environment.
   */
  static EnvVar attemptFile() {
    return value("KILN_ATTEMPT_FILE", ATTEMPT_FILE);
  }

  /**
   * The folder on the workspace where the attempt step counts this run's starts: one per run (the
   * TrainingJob's UID), so a re-created run that keeps the workspace starts again at 1.
   */
  static String attemptLedger(TrainingJob tj) {
    return ATTEMPT_LEDGER + "/" + tj.getMetadata().getUid();
  }

  /** A variable holding the pod's index among the workers (its Job completion index). */
  static EnvVar workerIndex(String name) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath("metadata.annotations['" + COMPLETION_INDEX + "']")
        .endFieldRef()
        .endValueFrom()
        .build();
  }

  /** Worker 0's stable DNS name and port: {@link #coordinatorHost} and COORDINATOR_PORT. */
  public static String coordinatorAddress(TrainingJob tj) {
    return coordinatorHost(tj) + ":" + COORDINATOR_PORT;
  }

  /** Worker 0's stable DNS name: its Indexed Job host name under the headless Service. */
  public static String coordinatorHost(TrainingJob tj) {
    return TrainingJobNames.name(tj, Child.JOB)
        + "-0."
        + TrainingJobNames.name(tj, Child.WORKERS)
        + "."
        + tj.getMetadata().getNamespace()
        + ".svc";
  }

  public static int workers(TrainingJob tj) {
    Integer workers = tj.getSpec().getWorkers();
    return workers == null ? 1 : workers;
  }

  /** Hyperparameters sorted by name, so the pod template is the same on every reconcile. */
  public static Map<String, String> hyperparameters(TrainingJob tj) {
    return hyperparameters(tj.getSpec().getHyperparameters());
  }

  public static Map<String, String> hyperparameters(Map<String, String> hp) {
    return hp == null ? Map.of() : new TreeMap<>(hp);
  }

  private static EnvVar value(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
