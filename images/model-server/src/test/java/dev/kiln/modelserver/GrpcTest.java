package dev.kiln.modelserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.kiln.modelserver.grpc.GRPCInferenceServiceGrpc;
import dev.kiln.modelserver.grpc.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import dev.kiln.modelserver.grpc.GrpcPredictV2.InferTensorContents;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ModelInferRequest;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ModelInferRequest.InferInputTensor;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ModelInferResponse;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ModelMetadataRequest;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ModelMetadataResponse;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ModelReadyRequest;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ServerLiveRequest;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ServerMetadataRequest;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ServerReadyRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GRPCInferenceService on the second port, called with the stub generated from the proto. */
class GrpcTest {
  @TempDir static Path work;
  static ModelServer server;
  static ManagedChannel channel;
  static GRPCInferenceServiceBlockingStub stub;

  @BeforeAll
  static void start() throws Exception {
    server = ModelServerTest.startServer(TwoInputModel.write(work.resolve("two")), "two");
    channel = channel(server);
    stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
    await().atMost(Duration.ofSeconds(30)).until(server::isReady);
  }

  static ManagedChannel channel(ModelServer s) {
    return Grpc.newChannelBuilderForAddress(
            "127.0.0.1", s.grpcAddress().getPort(), InsecureChannelCredentials.create())
        .build();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close();
    }
  }

  static ByteString floats(float... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return ByteString.copyFrom(b.array());
  }

  static ByteString longs(long... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    return ByteString.copyFrom(b.array());
  }

  static InferInputTensor.Builder input(String name, String datatype, long... shape) {
    InferInputTensor.Builder t = InferInputTensor.newBuilder().setName(name).setDatatype(datatype);
    for (long d : shape) {
      t.addShape(d);
    }
    return t;
  }

  /** a + b and n + 1 for one row, all inputs as raw contents. */
  static ModelInferRequest.Builder rawRequest() {
    return ModelInferRequest.newBuilder()
        .setModelName("two")
        .setId("g-1")
        .addInputs(input("a", "FP32", 1, 2))
        .addInputs(input("b", "FP32", 1, 2))
        .addInputs(input("n", "INT64", 1))
        .addRawInputContents(floats(1, 2))
        .addRawInputContents(floats(0.5f, 0.25f))
        .addRawInputContents(longs(41));
  }

  static float[] floatsOf(ByteString raw) {
    ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[b.remaining() / 4];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.getFloat();
    }
    return out;
  }

  @Test
  void healthAndMetadata() {
    assertThat(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
    assertThat(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
    assertThat(stub.modelReady(ModelReadyRequest.newBuilder().setName("two").build()).getReady())
        .isTrue();
    assertThat(
            stub.modelReady(ModelReadyRequest.newBuilder().setName("two").setVersion("1").build())
                .getReady())
        .isTrue();
    assertThat(stub.serverMetadata(ServerMetadataRequest.getDefaultInstance()).getName())
        .isEqualTo("kiln-model-server");
    ModelMetadataResponse meta =
        stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("two").build());
    assertThat(meta.getVersionsList()).containsExactly("1");
    assertThat(meta.getPlatform()).isEqualTo("onnx");
    assertThat(meta.getInputsList()).extracting(t -> t.getName()).containsExactly("a", "b", "n");
    assertThat(meta.getInputs(0).getShapeList()).containsExactly(-1L, 2L);
    assertThat(meta.getOutputs(1).getDatatype()).isEqualTo("INT64");
  }

  @Test
  void modelInferWithRawContentsAnswersRawContents() {
    ModelInferResponse r = stub.modelInfer(rawRequest().build());
    assertThat(r.getModelName()).isEqualTo("two");
    assertThat(r.getModelVersion()).isEqualTo("1");
    assertThat(r.getId()).isEqualTo("g-1");
    assertThat(r.getOutputsList()).extracting(o -> o.getName()).containsExactly("sum", "count");
    assertThat(r.getOutputs(0).getShapeList()).containsExactly(1L, 2L);
    assertThat(floatsOf(r.getRawOutputContents(0))).containsExactly(1.5f, 2.25f);
    assertThat(
            r.getRawOutputContents(1)
                .asReadOnlyByteBuffer()
                .order(ByteOrder.LITTLE_ENDIAN)
                .getLong())
        .isEqualTo(42L);
  }

  @Test
  void modelInferWithTypedContentsAndOneRequestedOutput() {
    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .setModelName("two")
            .setModelVersion("1")
            .addInputs(
                input("a", "FP32", 2, 2)
                    .setContents(
                        InferTensorContents.newBuilder()
                            .addAllFp32Contents(List.of(1f, 2f, 3f, 4f))))
            .addInputs(
                input("b", "FP32", 2, 2)
                    .setContents(
                        InferTensorContents.newBuilder()
                            .addAllFp32Contents(List.of(10f, 20f, 30f, 40f))))
            .addInputs(
                input("n", "INT64", 2)
                    .setContents(
                        InferTensorContents.newBuilder().addAllInt64Contents(List.of(1L, 2L))))
            .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("sum"))
            .build();
    ModelInferResponse r = stub.modelInfer(request);
    assertThat(r.getOutputsList()).extracting(o -> o.getName()).containsExactly("sum");
    assertThat(floatsOf(r.getRawOutputContents(0))).containsExactly(11f, 22f, 33f, 44f);
  }

  @Test
  void errorsCarryTheMatchingStatus() {
    assertStatus(
        () -> stub.modelInfer(rawRequest().setModelName("other").build()),
        Status.Code.NOT_FOUND,
        "model 'other' not found");
    assertStatus(
        () -> stub.modelInfer(rawRequest().setModelVersion("2").build()),
        Status.Code.NOT_FOUND,
        "has no version '2'");
    assertStatus(
        () -> stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("x").build()),
        Status.Code.NOT_FOUND,
        "model 'x' not found");
    assertStatus(
        () -> stub.modelInfer(rawRequest().setRawInputContents(0, floats(1)).build()),
        Status.Code.INVALID_ARGUMENT,
        "needs 8 bytes of FP32 data, got 4");
    assertStatus(
        () -> stub.modelInfer(rawRequest().addRawInputContents(floats(1)).build()),
        Status.Code.INVALID_ARGUMENT,
        "raw_input_contents has 4 entries for 3 inputs");
    assertStatus(
        () -> stub.modelInfer(rawRequest().setInputs(0, input("a", "FP64", 1, 2)).build()),
        Status.Code.INVALID_ARGUMENT,
        "has datatype FP64 but the model expects FP32");
    assertStatus(
        () -> stub.modelInfer(rawRequest().setInputs(0, input("z", "FP32", 1, 2)).build()),
        Status.Code.INVALID_ARGUMENT,
        "unknown input 'z'");
    assertStatus(
        () -> stub.modelInfer(rawRequest().setInputs(0, input("a", "FP32", 1, 3)).build()),
        Status.Code.INVALID_ARGUMENT,
        "model expects [-1, 2]");
    assertStatus(
        () ->
            stub.modelInfer(
                rawRequest()
                    .addOutputs(
                        ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("q"))
                    .build()),
        Status.Code.INVALID_ARGUMENT,
        "unknown output 'q'");
    assertStatus(
        () -> stub.modelInfer(ModelInferRequest.newBuilder().setModelName("two").build()),
        Status.Code.INVALID_ARGUMENT,
        "non-empty list");
  }

  @Test
  void aModelThatCannotLoadIsUnavailable(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("model.onnx"), "not onnx");
    try (ModelServer broken = ModelServerTest.startServer(dir, "two")) {
      ManagedChannel c = channel(broken);
      try {
        GRPCInferenceServiceBlockingStub s = GRPCInferenceServiceGrpc.newBlockingStub(c);
        assertThat(s.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () ->
                    assertStatus(
                        () -> s.modelInfer(rawRequest().build()),
                        Status.Code.UNAVAILABLE,
                        "failed to load"));
        assertThat(s.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isFalse();
      } finally {
        c.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
    }
  }

  private static void assertStatus(ThrowingCallable call, Status.Code code, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              assertThat(e.getStatus().getDescription()).contains(message);
            });
  }
}
