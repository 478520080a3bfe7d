package dev.kiln.modelserver;

import java.util.function.BooleanSupplier;

/**
 * What both transports (REST and gRPC) serve: the settings, the model as it loads, whether the
 * server is ready, and the per-model inference counters.
 */
record Served(
    ServerConfig config, LoadingModel model, BooleanSupplier ready, ModelMetrics counters) {}
