package dev.kiln.modelserver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** Settings from arguments ({@code --model-dir}, {@code --model-name}, {@code --port}) and env. */
record ServerConfig(
    Path modelDir,
    String modelName,
    String host,
    int port,
    int grpcPort,
    int intraOpThreads,
    int ioThreads,
    int workerThreads,
    Dispatch.Mode inferenceThread,
    long maxRequestBytes,
    Duration drainTimeout) {
  private static final Set<String> OPTIONS =
      Set.of("--model-dir", "--model-name", "--port", "--grpc-port", "--host");

  static ServerConfig from(String[] args, Map<String, String> env) {
    Map<String, String> options = options(args);
    String modelDir = options.getOrDefault("--model-dir", env.get("KILN_MODEL_DIR"));
    if (modelDir == null || modelDir.isBlank()) {
      throw new IllegalArgumentException("set KILN_MODEL_DIR or --model-dir to the model's folder");
    }
    String port =
        options.getOrDefault(
            "--port", env.getOrDefault("KILN_PORT", env.getOrDefault("PORT", "8080")));
    int cores = Runtime.getRuntime().availableProcessors();
    return new ServerConfig(
        Path.of(modelDir),
        options.getOrDefault("--model-name", env.getOrDefault("KILN_MODEL_NAME", "model")),
        options.getOrDefault("--host", env.getOrDefault("KILN_HOST", "0.0.0.0")),
        intValue("port", port),
        intValue(
            "KILN_GRPC_PORT",
            options.getOrDefault("--grpc-port", env.getOrDefault("KILN_GRPC_PORT", "8081"))),
        intValue("KILN_ORT_THREADS", env.getOrDefault("KILN_ORT_THREADS", "1")),
        intValue("KILN_IO_THREADS", env.getOrDefault("KILN_IO_THREADS", String.valueOf(cores))),
        intValue(
            "KILN_WORKER_THREADS",
            env.getOrDefault("KILN_WORKER_THREADS", String.valueOf(Math.max(4, cores * 4)))),
        Dispatch.mode(env.getOrDefault("KILN_INFERENCE_THREAD", "auto")),
        Long.parseLong(env.getOrDefault("KILN_MAX_REQUEST_BYTES", String.valueOf(16 << 20))),
        Duration.ofSeconds(
            intValue("KILN_DRAIN_SECONDS", env.getOrDefault("KILN_DRAIN_SECONDS", "20"))));
  }

  /** {@code --name value} pairs; they win over the environment. */
  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + args[i] + " needs a value");
      }
      if (!OPTIONS.contains(args[i])) {
        throw new IllegalArgumentException("unknown option " + args[i]);
      }
      options.put(args[i], args[i + 1]);
    }
    return options;
  }

  private static int intValue(String name, String v) {
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'");
    }
  }

  /** {@code model.onnx} in the folder, else its only {@code *.onnx} file. */
  Path modelFile() {
    if (Files.isRegularFile(modelDir)) {
      return modelDir;
    }
    Path standard = modelDir.resolve("model.onnx");
    if (Files.isRegularFile(standard)) {
      return standard;
    }
    if (!Files.isDirectory(modelDir)) {
      throw new IllegalArgumentException("model dir " + modelDir + " does not exist");
    }
    try (Stream<Path> files = Files.list(modelDir)) {
      var onnx =
          files
              .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx"))
              .toList();
      if (onnx.size() != 1) {
        throw new IllegalArgumentException(
            "model dir "
                + modelDir
                + " must hold model.onnx or exactly one *.onnx file, found "
                + onnx.size());
      }
      return onnx.get(0);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot list " + modelDir + ": " + e.getMessage());
    }
  }
}
