package dev.kiln.modelserver;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The model as it loads in the background: loading, loaded or failed. The server listens (and is
 * live) from the start; endpoints that need the model answer 503 until it is loaded.
 */
final class LoadingModel {
  private final CompletableFuture<InferenceModel> model = new CompletableFuture<>();

  /** Loads on a daemon thread, so a slow or failed load never blocks start or shutdown. */
  void loadInBackground(Path file, ServerConfig config, ModelMetrics metrics) {
    Thread loader = new Thread(() -> load(file, config, metrics), "kiln-model-load");
    loader.setDaemon(true);
    loader.start();
  }

  private void load(Path file, ServerConfig config, ModelMetrics metrics) {
    try {
      long t0 = System.nanoTime();
      InferenceModel loaded = InferenceModel.load(file, config.intraOpThreads());
      metrics.loaded(System.nanoTime() - t0);
      model.complete(loaded);
      ServerLog.info(
          "model '"
              + config.modelName()
              + "' ready in "
              + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)
              + " ms: inputs "
              + describe(loaded.inputs())
              + ", outputs "
              + describe(loaded.outputs()));
    } catch (Exception | Error e) {
      model.completeExceptionally(e);
      ServerLog.error("cannot load " + file + ": " + e.getMessage());
    }
  }

  boolean isLoaded() {
    return model.isDone() && !model.isCompletedExceptionally();
  }

  /** The loaded model, or a 503 saying it is still loading or failed to. */
  InferenceModel require(String modelName) throws ApiException {
    if (model.isCompletedExceptionally()) {
      throw new ApiException(503, "model '" + modelName + "' failed to load");
    }
    InferenceModel m = model.getNow(null);
    if (m == null) {
      throw new ApiException(503, "model '" + modelName + "' is still loading");
    }
    return m;
  }

  /** Waits until the load ends; throws when it failed. */
  void await() {
    model.join();
  }

  void close() {
    InferenceModel loaded = model.isCompletedExceptionally() ? null : model.getNow(null);
    if (loaded != null) {
      try {
        loaded.close();
      } catch (Exception e) {
        // closing at exit: nothing left to do
      }
    }
  }

  private static String describe(List<TensorSpec> specs) {
    StringBuilder sb = new StringBuilder();
    for (TensorSpec s : specs) {
      sb.append(s.name())
          .append(':')
          .append(s.datatype())
          .append(Arrays.toString(s.shape()))
          .append(' ');
    }
    return sb.toString().trim();
  }
}
