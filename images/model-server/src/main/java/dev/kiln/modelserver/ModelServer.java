package dev.kiln.modelserver;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Serves one ONNX model over the Open Inference Protocol (KServe v2) REST API, with Prometheus
 * metrics on {@code /metrics}. Live as soon as it listens; ready once the model is loaded and until
 * shutdown starts; on shutdown it stops taking requests and drains the ones in flight.
 */
public final class ModelServer implements AutoCloseable {
  private final ServerConfig config;
  private final LoadingModel model = new LoadingModel();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final ModelMetrics modelMetrics;
  private final GracefulShutdownHandler graceful;
  private final Undertow undertow;
  private final Server grpc;

  private ModelServer(ServerConfig config) {
    this.config = config;
    RequestMetrics metrics = new RequestMetrics();
    this.modelMetrics = new ModelMetrics(metrics.registry(), config.modelName());
    Served served = new Served(config, model, this::isReady, modelMetrics);
    V2Api api = new V2Api(served, metrics);
    this.graceful = Handlers.gracefulShutdown(metrics.timed(api.routes()));
    this.undertow =
        Undertow.builder()
            .addHttpListener(config.port(), config.host())
            // One I/O thread per core: small models run inline on them (see Dispatch).
            .setIoThreads(config.ioThreads())
            .setWorkerThreads(config.workerThreads())
            .setHandler(graceful)
            .build();
    NettyServerBuilder grpcBuilder =
        NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.grpcPort()))
            .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, config.maxRequestBytes()))
            .addService(new GrpcInference(served));
    if (config.inferenceThread() != Dispatch.Mode.WORKER) {
      // Like REST: small models answer on the transport thread, without a hand-off.
      grpcBuilder.directExecutor();
    }
    this.grpc = grpcBuilder.build();
  }

  /** Starts listening, then loads the model in the background; ready when it is loaded. */
  public static ModelServer start(String[] args, Map<String, String> env) {
    ServerConfig config = ServerConfig.from(args, env);
    Path file = config.modelFile();
    ModelServer server = new ModelServer(config);
    server.undertow.start();
    try {
      server.grpc.start();
    } catch (IOException e) {
      server.undertow.stop();
      throw new IllegalArgumentException(
          "cannot listen for gRPC on port " + config.grpcPort() + ": " + e.getMessage(), e);
    }
    ServerLog.info(
        "listening on "
            + server.address()
            + " (gRPC "
            + server.grpcAddress()
            + "), loading "
            + file);
    server.model.loadInBackground(file, config, server.modelMetrics);
    return server;
  }

  public static void main(String[] args) {
    ModelServer server;
    try {
      server = start(args, System.getenv());
    } catch (IllegalArgumentException e) {
      ServerLog.error(e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "kiln-shutdown"));
    try {
      server.model.await();
    } catch (RuntimeException e) {
      // A model that cannot be loaded will never be ready: exit so the pod shows why.
      server.close();
      System.exit(1);
    }
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
  }

  public InetSocketAddress grpcAddress() {
    return (InetSocketAddress) grpc.getListenSockets().get(0);
  }

  public boolean isReady() {
    return model.isLoaded() && !stopping.get();
  }

  /** Stops taking new requests (503), waits for in-flight ones up to the drain timeout, stops. */
  @Override
  public void close() {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    ServerLog.info("shutting down: draining in-flight requests");
    graceful.shutdown();
    grpc.shutdown();
    try {
      long deadline = System.nanoTime() + config.drainTimeout().toNanos();
      boolean drained = graceful.awaitShutdown(config.drainTimeout().toMillis());
      drained &= grpc.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (!drained) {
        ServerLog.info("drain timeout reached; stopping with requests in flight");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    grpc.shutdownNow();
    undertow.stop();
    model.close();
    ServerLog.info("stopped");
  }
}
