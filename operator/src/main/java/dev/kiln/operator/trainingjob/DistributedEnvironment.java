package dev.kiln.operator.trainingjob;

import dev.kiln.api.v1alpha1.TrainingJob;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The variables PyTorch reads for a multi-node run, set for several workers next to Kiln's own
 * (KILN_WORKERS, KILN_WORKER_INDEX, KILN_COORDINATOR_ADDR), so that {@code torchrun train.py} and
 * {@code torch.distributed.init_process_group("env://")} work without a shim. One pod is one node:
 * RANK and NODE_RANK are the pod's completion index, MASTER_ADDR is worker 0. A variable the user
 * sets in spec.env is left to the user's value.
 */
final class DistributedEnvironment {
  /** The torchrun variables an image may also get from Kiln (docs/pod-contract.md). */
  static final List<String> NAMES =
      List.of(
          "MASTER_ADDR",
          "MASTER_PORT",
          "WORLD_SIZE",
          "RANK",
          "NODE_RANK",
          "LOCAL_RANK",
          "LOCAL_WORLD_SIZE",
          "PET_NNODES",
          "PET_NODE_RANK",
          "PET_MASTER_ADDR",
          "PET_MASTER_PORT",
          "PET_NPROC_PER_NODE");

  static final String GPU = "nvidia.com/gpu";

  private DistributedEnvironment() {}

  /** The trainer's torch variables; none for a single worker. */
  static List<EnvVar> of(TrainingJob tj) {
    int workers = PodContract.workers(tj);
    if (workers <= 1) {
      return List.of();
    }
    String host = PodContract.coordinatorHost(tj);
    String port = Integer.toString(PodContract.COORDINATOR_PORT);
    String nodes = Integer.toString(workers);
    List<EnvVar> env = new ArrayList<>();
    env.add(value("MASTER_ADDR", host));
    env.add(value("MASTER_PORT", port));
    env.add(value("WORLD_SIZE", nodes));
    env.add(PodContract.workerIndex("RANK"));
    env.add(PodContract.workerIndex("NODE_RANK"));
    env.add(value("LOCAL_RANK", "0"));
    env.add(value("LOCAL_WORLD_SIZE", "1"));
    env.add(value("PET_NNODES", nodes));
    env.add(PodContract.workerIndex("PET_NODE_RANK"));
    env.add(value("PET_MASTER_ADDR", host));
    env.add(value("PET_MASTER_PORT", port));
    env.add(value("PET_NPROC_PER_NODE", Integer.toString(processesPerNode(tj))));
    Set<String> userNames =
        tj.getSpec().getEnv() == null
            ? Set.of()
            : tj.getSpec().getEnv().stream().map(EnvVar::getName).collect(Collectors.toSet());
    return env.stream().filter(e -> !userNames.contains(e.getName())).toList();
  }

  /** One process per GPU the trainer is given (its nvidia.com/gpu limit), else one. */
  static int processesPerNode(TrainingJob tj) {
    ResourceRequirements resources = tj.getSpec().getResources();
    Quantity gpus =
        resources == null || resources.getLimits() == null ? null : resources.getLimits().get(GPU);
    if (gpus == null) {
      return 1;
    }
    try {
      BigDecimal count = Quantity.getAmountInBytes(gpus);
      return count.compareTo(BigDecimal.ONE) > 0 ? count.intValue() : 1;
    } catch (RuntimeException e) {
      return 1; // the validator reports the bad quantity
    }
  }

  private static EnvVar value(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }
}
