package dev.kiln.modelserver;

import com.google.protobuf.ByteString;
import dev.kiln.modelserver.grpc.GRPCInferenceServiceGrpc;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ModelInferRequest;
import dev.kiln.modelserver.grpc.GrpcPredictV2.ModelInferResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gRPC row of {@code bench/run.py}: {@code concurrency} closed-loop callers of ModelInfer (raw
 * FP32 contents) on one channel, a warm-up, then a timed run; prints the line run.py reads (the
 * same fields as its wrk script, latencies in microseconds). Not a test; it asserts nothing.
 * Arguments: port, concurrency, seconds, rows, warm-up seconds.
 */
public final class GrpcBench {
  private GrpcBench() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int concurrency = Integer.parseInt(args[1]);
    int seconds = Integer.parseInt(args[2]);
    int rows = Integer.parseInt(args[3]);
    int warmup = Integer.parseInt(args[4]);
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
            .build();
    ByteBuffer data = ByteBuffer.allocate(rows * 16).order(ByteOrder.LITTLE_ENDIAN);
    float[] row = {1.4f, 0.2f, 5.1f, 3.5f};
    for (int i = 0; i < rows * 4; i++) {
      data.putFloat(row[i % 4]);
    }
    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .setModelName("iris")
            .setId("bench")
            .addInputs(
                ModelInferRequest.InferInputTensor.newBuilder()
                    .setName("input")
                    .setDatatype("FP32")
                    .addShape(rows)
                    .addShape(4))
            .addRawInputContents(ByteString.copyFrom(data.array()))
            .build();
    var stub = GRPCInferenceServiceGrpc.newStub(channel);
    run(stub, request, concurrency, warmup);
    long[] latencies = run(stub, request, concurrency, seconds);
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    int n = (int) latencies[latencies.length - 1];
    long errors = latencies[latencies.length - 2];
    long[] sorted = Arrays.copyOf(latencies, n);
    Arrays.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "WRK_RESULT requests=%d seconds=%d errors=%d non200=0 p50=%d p90=%d p99=%d max=%d%n",
        n,
        seconds,
        errors,
        at(sorted, 0.5),
        at(sorted, 0.9),
        at(sorted, 0.99),
        n == 0 ? 0 : sorted[n - 1]);
  }

  private static long at(long[] sorted, double q) {
    return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, sorted.length * q)];
  }

  /** Latencies in µs, then the error count, then how many latencies there are. */
  private static long[] run(
      GRPCInferenceServiceGrpc.GRPCInferenceServiceStub stub,
      ModelInferRequest request,
      int concurrency,
      int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long[] latencies = new long[Math.max(1_000_000, seconds * 200_000) + 2];
    AtomicInteger count = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(concurrency);
    for (int c = 0; c < concurrency; c++) {
      new Caller(stub, request, deadline, latencies, count, errors, done).next();
    }
    done.await();
    int n = Math.min(count.get(), latencies.length - 2);
    latencies[latencies.length - 2] = errors.get();
    latencies[latencies.length - 1] = n;
    return latencies;
  }

  /** One closed-loop caller: sends the next call when the last one is answered. */
  // Never compared: the latency array is shared on purpose.
  @SuppressWarnings("ArrayRecordComponent")
  private record Caller(
      GRPCInferenceServiceGrpc.GRPCInferenceServiceStub stub,
      ModelInferRequest request,
      long deadline,
      long[] latencies,
      AtomicInteger count,
      AtomicInteger errors,
      CountDownLatch done) {
    void next() {
      if (System.nanoTime() >= deadline) {
        done.countDown();
        return;
      }
      long start = System.nanoTime();
      stub.modelInfer(
          request,
          new StreamObserver<ModelInferResponse>() {
            @Override
            public void onNext(ModelInferResponse value) {
              int i = count.getAndIncrement();
              if (i < latencies.length - 2) {
                latencies[i] = (System.nanoTime() - start) / 1000;
              }
            }

            @Override
            public void onError(Throwable t) {
              errors.incrementAndGet();
              next();
            }

            @Override
            public void onCompleted() {
              next();
            }
          });
    }
  }
}
