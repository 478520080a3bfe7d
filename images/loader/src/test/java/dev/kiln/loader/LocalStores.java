package dev.kiln.loader;

import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Local stand-ins for the stores the loader reads, on loopback: an S3-compatible server (S3Proxy,
 * in memory, signed requests only) with bucket {@code models} holding {@code iris/v1/model.onnx}
 * ({@link #MODEL}), {@code iris/v1/metadata.json} and {@code iris/v1/extra/notes.txt}; and an HTTP
 * server answering {@code /data/iris.csv} ({@link #MODEL}) and {@code /data/secret.bin} (403).
 * Shared with the container tests (images/containers) through this module's test jar.
 */
public final class LocalStores implements AutoCloseable {
  public static final String ACCESS_KEY = "kiln-access";
  public static final String SECRET_KEY = "kiln-secret-value-do-not-print";
  public static final byte[] MODEL = randomBytes(300_000, 1);

  private final S3Proxy s3proxy;
  private final S3Client admin;
  private final String endpoint;
  private final HttpServer http;

  public LocalStores() throws Exception {
    this(ACCESS_KEY, SECRET_KEY, false);
  }

  /**
   * Stores whose S3 accepts only the given key pair, as temporary credentials: requests may carry
   * the session token that comes with them (signed, but s3proxy does not check its value).
   */
  public LocalStores(String accessKey, String secretKey) throws Exception {
    this(accessKey, secretKey, true);
  }

  private LocalStores(String accessKey, String secretKey, boolean sessionCredentials)
      throws Exception {
    s3proxy =
        S3Proxy.builder()
            .blobStore(new TransientNio2BlobStore())
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
            // s3proxy answers 501 to x-amz-security-token unless told to let unknown headers by.
            .ignoreUnknownHeaders(sessionCredentials)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .build();
    s3proxy.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> "STARTED".equals(s3proxy.getState()));
    endpoint = "http://127.0.0.1:" + s3proxy.getPort();
    admin =
        S3Client.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .endpointOverride(URI.create(endpoint))
            .region(Region.US_EAST_1)
            .forcePathStyle(true)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
            .build();
    admin.createBucket(b -> b.bucket("models"));
    admin.putObject(
        b -> b.bucket("models").key("iris/v1/model.onnx"), RequestBody.fromBytes(MODEL));
    admin.putObject(
        b -> b.bucket("models").key("iris/v1/metadata.json"), RequestBody.fromString("{\"a\":1}"));
    admin.putObject(
        b -> b.bucket("models").key("iris/v1/extra/notes.txt"), RequestBody.fromString("notes"));
    http = httpServer();
  }

  private static HttpServer httpServer() {
    try {
      HttpServer http =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      http.createContext(
          "/data/iris.csv",
          ex -> {
            ex.sendResponseHeaders(200, MODEL.length);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(MODEL);
            }
          });
      http.createContext(
          "/data/secret.bin",
          ex -> {
            ex.sendResponseHeaders(403, -1);
            ex.close();
          });
      http.start();
      return http;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The S3 endpoint, {@code http://127.0.0.1:<port>}. */
  public String s3Endpoint() {
    return endpoint;
  }

  /** An S3 client with the stores' credentials, to put and list objects. */
  public S3Client admin() {
    return admin;
  }

  /** The HTTP server's base URL, {@code http://127.0.0.1:<port>}. */
  public String httpBase() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  /** The environment the loader reads the S3 endpoint and credentials from. */
  public Map<String, String> s3Env() {
    Map<String, String> env = new HashMap<>();
    env.put("KILN_S3_ENDPOINT", endpoint);
    env.put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
    env.put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    env.put("AWS_REGION", "us-east-1");
    return env;
  }

  public static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Override
  public void close() {
    http.stop(0);
    admin.close();
    try {
      s3proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the S3 stand-in", e);
    }
  }
}
