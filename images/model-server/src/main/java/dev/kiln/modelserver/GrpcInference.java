package dev.kiln.modelserver;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import dev.kiln.modelserver.grpc.GRPCInferenceServiceGrpc;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ModelInferRequest;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ModelInferResponse;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ModelMetadataRequest;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ModelMetadataResponse;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ModelReadyRequest;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ModelReadyResponse;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ServerLiveRequest;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ServerLiveResponse;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ServerMetadataRequest;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ServerMetadataResponse;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ServerReadyRequest;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ServerReadyResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;

/**
 * The Open Inference Protocol's {@code GRPCInferenceService} for the one model this server serves.
 * Outputs come back in {@code raw_output_contents}, as Triton answers them. Errors carry the status
 * that matches the REST answer's (400 INVALID_ARGUMENT, 404 NOT_FOUND, 503 UNAVAILABLE).
 */
final class GrpcInference extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
  /** A call's body; an {@link ApiException} becomes its matching status. */
  private interface Call<T> {
    T answer() throws Exception;
  }

  private final Served served;

  GrpcInference(Served served) {
    this.served = served;
  }

  @Override
  public void serverLive(ServerLiveRequest r, StreamObserver<ServerLiveResponse> out) {
    reply(out, () -> ServerLiveResponse.newBuilder().setLive(true).build());
  }

  @Override
  public void serverReady(ServerReadyRequest r, StreamObserver<ServerReadyResponse> out) {
    reply(
        out,
        () -> ServerReadyResponse.newBuilder().setReady(served.ready().getAsBoolean()).build());
  }

  @Override
  public void modelReady(ModelReadyRequest r, StreamObserver<ModelReadyResponse> out) {
    replyForModel(
        r.getName(),
        r.getVersion(),
        out,
        () -> ModelReadyResponse.newBuilder().setReady(served.ready().getAsBoolean()).build());
  }

  @Override
  public void serverMetadata(ServerMetadataRequest r, StreamObserver<ServerMetadataResponse> out) {
    reply(
        out,
        () ->
            ServerMetadataResponse.newBuilder()
                .setName("kiln-model-server")
                .setVersion(KilnVersion.get())
                .addExtensions("binary_tensor_data")
                .build());
  }

  @Override
  public void modelMetadata(ModelMetadataRequest r, StreamObserver<ModelMetadataResponse> out) {
    replyForModel(
        r.getName(),
        r.getVersion(),
        out,
        () -> {
          InferenceModel m = served.model().require(served.config().modelName());
          return ModelMetadataResponse.newBuilder()
              .setName(served.config().modelName())
              .addVersions(ModelName.VERSION)
              .setPlatform("onnx")
              .addAllInputs(metadata(m.inputs()))
              .addAllOutputs(metadata(m.outputs()))
              .build();
        });
  }

  private static List<ModelMetadataResponse.TensorMetadata> metadata(List<TensorSpec> specs) {
    return specs.stream()
        .map(
            s -> {
              var t =
                  ModelMetadataResponse.TensorMetadata.newBuilder()
                      .setName(s.name())
                      .setDatatype(s.datatype());
              for (long d : s.shape()) {
                t.addShape(d);
              }
              return t.build();
            })
        .toList();
  }

  @Override
  public void modelInfer(ModelInferRequest r, StreamObserver<ModelInferResponse> out) {
    reply(out, () -> infer(r));
  }

  private ModelInferResponse infer(ModelInferRequest r) throws ApiException, OrtException {
    ModelName.check(served.config().modelName(), r.getModelName(), r.getModelVersion());
    InferenceModel m = served.model().require(served.config().modelName());
    try (InferRequest request = GrpcTensors.read(m, r);
        OrtSession.Result result = m.run(request)) {
      ModelInferResponse.Builder response =
          ModelInferResponse.newBuilder()
              .setModelName(served.config().modelName())
              .setModelVersion(ModelName.VERSION)
              .setId(r.getId());
      for (Map.Entry<String, OnnxValue> e : result) {
        if (!(e.getValue() instanceof OnnxTensor tensor)) {
          throw new OrtException("output '" + e.getKey() + "' is not a tensor");
        }
        var output =
            response
                .addOutputsBuilder()
                .setName(e.getKey())
                .setDatatype(TensorSpec.v2Type(tensor.getInfo().type));
        for (long d : tensor.getInfo().getShape()) {
          output.addShape(d);
        }
        response.addRawOutputContents(ByteString.copyFrom(RawTensors.encode(tensor)));
      }
      long[] first = request.inputs.values().iterator().next().getInfo().getShape();
      served.counters().succeeded(first.length == 0 ? 1 : first[0]);
      return response.build();
    } catch (ApiException | OrtException | RuntimeException e) {
      served.counters().failed();
      throw e;
    }
  }

  /** A call about the served model: 404 NOT_FOUND for another name or version. */
  private <T> void replyForModel(String name, String version, StreamObserver<T> out, Call<T> call) {
    reply(
        out,
        () -> {
          ModelName.check(served.config().modelName(), name, version);
          return call.answer();
        });
  }

  private static <T> void reply(StreamObserver<T> out, Call<T> call) {
    T answer;
    try {
      answer = call.answer();
    } catch (ApiException e) {
      out.onError(status(e.status).withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (Exception e) {
      ServerLog.error("gRPC call failed: " + e);
      out.onError(
          Status.INTERNAL
              .withDescription("inference failed: " + e.getMessage())
              .asRuntimeException());
      return;
    }
    out.onNext(answer);
    out.onCompleted();
  }

  private static Status status(int http) {
    return switch (http) {
      case 400 -> Status.INVALID_ARGUMENT;
      case 404 -> Status.NOT_FOUND;
      case 413 -> Status.RESOURCE_EXHAUSTED;
      case 503 -> Status.UNAVAILABLE;
      default -> Status.INTERNAL;
    };
  }
}
