package dev.kiln.e2e;

import com.google.protobuf.ByteString;
import dev.kiln.modelserver.grpc.GRPCInferenceServiceGrpc;
import dev.kiln.modelserver.grpc.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ModelInferRequest;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ModelInferRequest.InferInputTensor;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ModelInferResponse;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ModelReadyRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

/**
 * The Open Inference Protocol over gRPC, through the reference server's generated stub (what a
 * KServe or Triton gRPC client sends): one Iris row in, class scores out.
 */
final class GrpcInference implements AutoCloseable {
  private final ManagedChannel channel;
  private final GRPCInferenceServiceBlockingStub stub;

  /** A plaintext (h2c) channel to {@code address}, a host and port on this machine. */
  GrpcInference(URI address) {
    channel =
        Grpc.newChannelBuilderForAddress(
                address.getHost(), address.getPort(), InsecureChannelCredentials.create())
            .build();
    stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
  }

  boolean modelReady(String model) {
    return stub.withDeadlineAfter(10, TimeUnit.SECONDS)
        .modelReady(ModelReadyRequest.newBuilder().setName(model).build())
        .getReady();
  }

  /** ModelInfer with the row as raw little-endian FP32, the scores read from the raw output. */
  double[] classify(String model, float... petalAndSepal) {
    ByteBuffer row =
        ByteBuffer.allocate(petalAndSepal.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : petalAndSepal) {
      row.putFloat(v);
    }
    ModelInferResponse answer =
        stub.withDeadlineAfter(10, TimeUnit.SECONDS)
            .modelInfer(
                ModelInferRequest.newBuilder()
                    .setModelName(model)
                    .addInputs(
                        InferInputTensor.newBuilder()
                            .setName("input")
                            .setDatatype("FP32")
                            .addShape(1)
                            .addShape(petalAndSepal.length))
                    .addRawInputContents(ByteString.copyFrom(row.array()))
                    .build());
    ByteBuffer scores =
        answer.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    double[] out = new double[scores.remaining() / Float.BYTES];
    for (int i = 0; i < out.length; i++) {
      out[i] = scores.getFloat();
    }
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }
}
