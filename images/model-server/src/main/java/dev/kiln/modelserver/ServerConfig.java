package dev.kiln.modelserver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/** Settings from arguments ({@code --model-dir}, {@code --model-name}, {@code --port}) and env. */
record ServerConfig(
    Path modelDir,
    String modelName,
    String host,
    int port,
    int intraOpThreads,
    int workerThreads,
    long maxRequestBytes,
    Duration drainTimeout) {

  static ServerConfig from(String[] args, Map<String, String> env) {
    String modelDir = env.get("KILN_MODEL_DIR");
    String modelName = env.getOrDefault("KILN_MODEL_NAME", "model");
    String port = env.getOrDefault("KILN_PORT", env.getOrDefault("PORT", "8080"));
    String host = env.getOrDefault("KILN_HOST", "0.0.0.0");
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      if (value == null) {
        throw new IllegalArgumentException("option " + args[i] + " needs a value");
      }
      switch (args[i]) {
        case "--model-dir" -> modelDir = value;
        case "--model-name" -> modelName = value;
        case "--port" -> port = value;
        case "--host" -> host = value;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
      i++;
    }
    if (modelDir == null || modelDir.isBlank()) {
      throw new IllegalArgumentException("set KILN_MODEL_DIR or --model-dir to the model's folder");
    }
    int cores = Runtime.getRuntime().availableProcessors();
    return new ServerConfig(
        Path.of(modelDir),
        modelName,
        host,
        intValue("port", port),
        intValue("KILN_ORT_THREADS", env.getOrDefault("KILN_ORT_THREADS", "1")),
        intValue(
            "KILN_WORKER_THREADS",
            env.getOrDefault("KILN_WORKER_THREADS", String.valueOf(Math.max(4, cores * 4)))),
        Long.parseLong(env.getOrDefault("KILN_MAX_REQUEST_BYTES", String.valueOf(16 << 20))),
        Duration.ofSeconds(
            intValue("KILN_DRAIN_SECONDS", env.getOrDefault("KILN_DRAIN_SECONDS", "20"))));
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
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("cannot list " + modelDir + ": " + e.getMessage());
    }
  }
}
