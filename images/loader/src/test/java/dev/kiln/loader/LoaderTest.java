package dev.kiln.loader;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

class LoaderTest {
  private static final String SECRET_KEY = LocalStores.SECRET_KEY;
  private static final byte[] MODEL = LocalStores.MODEL;

  static LocalStores stores;
  static S3Client admin;

  @TempDir Path tmp;

  @BeforeAll
  static void startServers() throws Exception {
    stores = new LocalStores();
    admin = stores.admin();
  }

  /**
   * A server that promises the whole file, sends a tenth of it, then drops the connection; it
   * answers a bounded number of requests.
   */
  private static String brokenServer(int requests) throws IOException {
    ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    Thread thread =
        new Thread(
            () -> {
              try (server) {
                for (int i = 0; i < requests; i++) {
                  try (Socket socket = server.accept()) {
                    BufferedReader in =
                        new BufferedReader(
                            new InputStreamReader(
                                socket.getInputStream(), StandardCharsets.US_ASCII));
                    String line;
                    while ((line = in.readLine()) != null && !line.isEmpty()) {
                      // skip the request headers
                    }
                    OutputStream out = socket.getOutputStream();
                    out.write(
                        ("HTTP/1.1 200 OK\r\nContent-Length: "
                                + MODEL.length
                                + "\r\nContent-Type: application/octet-stream\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(MODEL, 0, MODEL.length / 10);
                    out.flush();
                  }
                }
              } catch (IOException e) {
                // test server: the test's assertions say what went wrong
              }
            },
            "broken-http-server");
    thread.setDaemon(true);
    thread.start();
    return "http://127.0.0.1:" + server.getLocalPort() + "/data/broken.bin";
  }

  @AfterAll
  static void stopServers() throws Exception {
    stores.close();
  }

  private Map<String, String> s3Env() {
    return stores.s3Env();
  }

  private record Run(int code, String stderr) {}

  private static Run run(Map<String, String> env, String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = Loader.run(args, env);
      return new Run(code, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
      original.print(err.toString(StandardCharsets.UTF_8));
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static byte[] randomBytes(int n, long seed) {
    return LocalStores.randomBytes(n, seed);
  }

  private List<String> leftovers(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(".kiln-download-"))
          .toList();
    }
  }

  @Test
  void downloadsOneS3ObjectCheckedBySizeEtagAndSha256() throws Exception {
    Path dest = tmp.resolve("model");
    Run r =
        run(
            s3Env(),
            "download",
            "s3://models/iris/v1/model.onnx",
            dest.toString(),
            "--sha256",
            sha256(MODEL));
    assertThat(r.code()).as(r.stderr()).isZero();
    assertThat(Files.readAllBytes(dest.resolve("model.onnx"))).isEqualTo(MODEL);
    assertThat(leftovers(tmp)).isEmpty();
  }

  @Test
  void downloadsAnS3PrefixAsATree() throws Exception {
    Path dest = tmp.resolve("model");
    assertThat(run(s3Env(), "download", "s3://models/iris/v1", dest.toString()).code()).isZero();
    assertThat(Files.readAllBytes(dest.resolve("model.onnx"))).isEqualTo(MODEL);
    assertThat(Files.readString(dest.resolve("metadata.json"))).isEqualTo("{\"a\":1}");
    assertThat(Files.readString(dest.resolve("extra/notes.txt"))).isEqualTo("notes");
  }

  @Test
  void uploadsAModelDirectoryThatDownloadsBackIdentical() throws Exception {
    Path model = Files.createDirectories(tmp.resolve("out/sub"));
    Files.write(tmp.resolve("out/model.onnx"), randomBytes(123_456, 7));
    Files.writeString(model.resolve("labels.txt"), "setosa\nversicolor\nvirginica\n");
    Run up = run(s3Env(), "upload", tmp.resolve("out").toString(), "s3://models/uploads/run-1");
    assertThat(up.code()).as(up.stderr()).isZero();
    assertThat(
            admin
                .listObjectsV2(b -> b.bucket("models").prefix("uploads/run-1/"))
                .contents()
                .stream()
                .map(o -> o.key())
                .toList())
        .containsExactlyInAnyOrder("uploads/run-1/model.onnx", "uploads/run-1/sub/labels.txt");

    Path back = tmp.resolve("back");
    assertThat(run(s3Env(), "download", "s3://models/uploads/run-1/", back.toString()).code())
        .isZero();
    assertThat(Files.readAllBytes(back.resolve("model.onnx")))
        .isEqualTo(Files.readAllBytes(tmp.resolve("out/model.onnx")));
    assertThat(Files.readString(back.resolve("sub/labels.txt"))).startsWith("setosa");
  }

  @Test
  void wrongCredentialsSayWhichBucketAndNeverPrintTheSecret() throws IOException {
    Map<String, String> env = s3Env();
    env.put("AWS_SECRET_ACCESS_KEY", "wrong-secret-value-1234");
    Path dest = tmp.resolve("model");
    Run r = run(env, "download", "s3://models/iris/v1/model.onnx", dest.toString());
    assertThat(r.code()).isEqualTo(LoaderException.ACCESS_DENIED);
    assertThat(r.stderr().strip())
        .contains("bucket 'models'")
        .contains("rejected the credentials")
        .doesNotContain("wrong-secret-value-1234")
        .doesNotContain(SECRET_KEY)
        .doesNotContain("\n");
    assertThat(dest).doesNotExist();

    env.put("AWS_ACCESS_KEY_ID", "unknown-key");
    Files.writeString(tmp.resolve("model.onnx"), "not uploaded");
    Run up = run(env, "upload", tmp.toString(), "s3://models/x");
    assertThat(up.code()).isEqualTo(LoaderException.ACCESS_DENIED);
    assertThat(up.stderr()).contains("bucket 'models'").doesNotContain("wrong-secret-value-1234");
  }

  @Test
  void missingBucketOrObjectIsNotFound() {
    Run bucket = run(s3Env(), "download", "s3://no-such-bucket/x", tmp.resolve("a").toString());
    assertThat(bucket.code()).isEqualTo(LoaderException.NOT_FOUND);
    assertThat(bucket.stderr()).contains("bucket 'no-such-bucket' does not exist");
    Run key =
        run(s3Env(), "download", "s3://models/iris/v9/model.onnx", tmp.resolve("b").toString());
    assertThat(key.code()).isEqualTo(LoaderException.NOT_FOUND);
    assertThat(key.stderr()).contains("nothing at s3://models/iris/v9/model.onnx");
    assertThat(tmp.resolve("a")).doesNotExist();
    assertThat(tmp.resolve("b")).doesNotExist();
  }

  @Test
  void downloadsOverHttpCheckingContentLength() throws Exception {
    Path dest = tmp.resolve("data");
    String url = stores.httpBase() + "/data/iris.csv";
    assertThat(run(Map.of(), "download", url, dest.toString()).code()).isZero();
    assertThat(Files.readAllBytes(dest.resolve("iris.csv"))).isEqualTo(MODEL);
  }

  @Test
  void aTransferThatBreaksOffLeavesNoPartialFile() throws Exception {
    String url = brokenServer(2);
    Path fresh = tmp.resolve("fresh");
    Run r = run(Map.of(), "download", url, fresh.toString());
    assertThat(r.code()).isEqualTo(LoaderException.IO);
    assertThat(r.stderr()).contains("broken.bin").contains("broke off");
    assertThat(fresh).doesNotExist();
    assertThat(leftovers(tmp)).isEmpty();

    // An existing destination (a mounted volume) keeps what it had and gains nothing partial.
    Path mounted = Files.createDirectories(tmp.resolve("mounted"));
    Files.writeString(mounted.resolve("broken.bin"), "previous complete version");
    assertThat(run(Map.of(), "download", url, mounted.toString()).code()).isNotZero();
    try (Stream<Path> files = Files.list(mounted)) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("broken.bin");
    }
    assertThat(Files.readString(mounted.resolve("broken.bin")))
        .isEqualTo("previous complete version");
  }

  @Test
  void httpErrorsMapToClearExitCodes() {
    String base = stores.httpBase();
    Run missing = run(Map.of(), "download", base + "/data/none.csv", tmp.resolve("a").toString());
    assertThat(missing.code()).isEqualTo(LoaderException.NOT_FOUND);
    assertThat(missing.stderr()).contains("HTTP 404");
    Run denied =
        run(
            Map.of(),
            "download",
            base + "/data/secret.bin?sig=abc123",
            tmp.resolve("b").toString());
    assertThat(denied.code()).isEqualTo(LoaderException.ACCESS_DENIED);
    assertThat(denied.stderr()).contains("refused access").doesNotContain("abc123");
  }

  @Test
  void wrongSha256RejectsTheDownload() {
    Path dest = tmp.resolve("model");
    Run r =
        run(
            s3Env(),
            "download",
            "s3://models/iris/v1/model.onnx",
            dest.toString(),
            "--sha256",
            "00".repeat(32));
    assertThat(r.code()).isEqualTo(LoaderException.INTEGRITY);
    assertThat(r.stderr()).contains("sha256 of model.onnx is").contains("expected 0000");
    assertThat(dest).doesNotExist();
  }

  @Test
  void pvcUrisMapUnderThePvcRoot() throws Exception {
    Path root = tmp.resolve("pvc");
    Files.createDirectories(root.resolve("datasets/iris"));
    Files.writeString(root.resolve("datasets/iris/train.csv"), "a,b\n1,x\n");
    Map<String, String> env = Map.of("KILN_PVC_ROOT", root.toString());
    Path dest = tmp.resolve("data");
    assertThat(run(env, "download", "pvc://datasets/iris", dest.toString()).code()).isZero();
    assertThat(Files.readString(dest.resolve("train.csv"))).isEqualTo("a,b\n1,x\n");

    Path single = tmp.resolve("single");
    assertThat(run(env, "download", "pvc://datasets/iris/train.csv", single.toString()).code())
        .isZero();
    assertThat(single.resolve("train.csv")).exists();

    Run escape = run(env, "download", "pvc://datasets/../../etc", tmp.resolve("e").toString());
    assertThat(escape.code()).isEqualTo(LoaderException.USAGE);
    assertThat(escape.stderr()).contains("leaves the claim's mount");
    Run unmounted = run(env, "download", "pvc://other/x", tmp.resolve("u").toString());
    assertThat(unmounted.code()).isEqualTo(LoaderException.NOT_FOUND);
    assertThat(unmounted.stderr()).contains("claim 'other' is not mounted");

    Path local = tmp.resolve("local");
    assertThat(
            run(Map.of(), "download", root.resolve("datasets").toString(), local.toString()).code())
        .isZero();
    assertThat(local.resolve("iris/train.csv")).exists();
  }

  @Test
  void usageErrors() {
    assertThat(run(Map.of(), "download", "only-one").code()).isEqualTo(LoaderException.USAGE);
    Run scheme = run(Map.of(), "download", "ftp://x/y", tmp.resolve("f").toString());
    assertThat(scheme.code()).isEqualTo(LoaderException.USAGE);
    assertThat(scheme.stderr()).contains("unsupported source scheme");
  }
}
