package dev.kiln.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Entry point. {@code train} (the default) follows the pod contract; {@code generate} writes a
 * synthetic data set for benchmarks.
 */
public final class Main {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), null));
  }

  /** Runs a command and returns the process exit code; never calls System.exit. */
  public static int run(String[] args, Map<String, String> env, Trainer.EpochHook hook) {
    String command = args.length == 0 ? "train" : args[0];
    switch (command) {
      case "train" -> {
        return train(env, hook);
      }
      case "generate" -> {
        return SyntheticData.run(Arrays.copyOfRange(args, 1, args.length));
      }
      case "-h", "--help", "help" -> {
        System.out.println(
            "usage: kiln-trainer [train]    train per the Kiln pod contract (env KILN_*)\n"
                + "       kiln-trainer generate --rows N --features F --classes C [--seed S]"
                + " --out FILE.csv");
        return 0;
      }
      default -> {
        TrainerLog.warn("unknown command '" + command + "' (try --help)");
        return 2;
      }
    }
  }

  static int train(Map<String, String> env, Trainer.EpochHook hook) {
    Path terminationLog = TrainerConfig.terminationLog(env);
    try {
      TrainerConfig config = TrainerConfig.fromEnv(env);
      Trainer.Result result = new Trainer(config, hook).run();
      ObjectNode message = JSON.createObjectNode();
      ObjectNode metrics = message.putObject("metrics");
      result.metrics().forEach(metrics::put);
      ObjectNode artifact = message.putObject("artifact");
      artifact.put("path", Trainer.MODEL_FILE);
      artifact.put("sha256", result.sha256());
      artifact.put("format", "onnx");
      writeTermination(terminationLog, message.toString());
      return 0;
    } catch (TrainerException | Trainer.InjectedFailure e) {
      return fail(terminationLog, e.getMessage(), 1);
    } catch (IOException e) {
      return fail(terminationLog, "I/O error: " + e.getMessage(), 1);
    } catch (RuntimeException e) {
      e.printStackTrace();
      return fail(terminationLog, "internal error: " + e, 1);
    }
  }

  private static int fail(Path terminationLog, String reason, int code) {
    String line = TrainerLog.firstLine(reason);
    TrainerLog.warn("error: " + line);
    ObjectNode message = JSON.createObjectNode();
    message.put("error", line);
    writeTermination(terminationLog, message.toString());
    return code;
  }

  private static void writeTermination(Path path, String message) {
    try {
      // Kubernetes reads at most 4096 bytes of the termination message.
      Files.writeString(path, message + "\n", StandardCharsets.UTF_8);
    } catch (IOException | SecurityException e) {
      TrainerLog.warn("cannot write termination message to " + path + ": " + e.getMessage());
    }
  }
}
