package dev.kiln.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loader with web-identity credentials, as IRSA (and any cluster whose service-account tokens
 * an IAM OIDC provider trusts) gives them: {@code AWS_ROLE_ARN} and {@code
 * AWS_WEB_IDENTITY_TOKEN_FILE}, no keys. The loader runs as its own process with exactly the
 * environment a pod would have, because the AWS SDK reads these from the process environment. A
 * local STS answers {@code AssumeRoleWithWebIdentity} and the in-process S3 accepts only the
 * temporary keys that STS hands out.
 */
class WebIdentityTest {
  private static final String ROLE_ARN = "arn:aws:iam::123456789012:role/kiln-loader";
  private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.service-account-token-value.signature";
  private static final String TEMP_KEY_ID = "ASIAKILNTEMPORARYKEY";
  private static final String TEMP_SECRET = "temporary-secret-value-do-not-print";
  private static final String SESSION_TOKEN = "temporary-session-token-do-not-print";

  static LocalStores stores;
  static StsStub sts;

  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    stores = new LocalStores(TEMP_KEY_ID, TEMP_SECRET);
    sts = new StsStub();
  }

  @AfterAll
  static void stop() {
    sts.close();
    stores.close();
  }

  @BeforeEach
  void forgetRequests() {
    sts.requests.clear();
  }

  @Test
  void downloadsWithOnlyARoleAndAServiceAccountToken() throws Exception {
    Files.writeString(tmp.resolve("token"), TOKEN);
    Path dest = tmp.resolve("model");

    Run r = loader(podEnv(), "download", "s3://models/iris/v1/model.onnx", dest.toString());

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readAllBytes(dest.resolve("model.onnx"))).isEqualTo(LocalStores.MODEL);
    assertThat(r.out()).contains("downloaded 1 file(s)");
    // One STS call per run (the credentials are cached), carrying the role and the file's token.
    assertThat(sts.requests).hasSize(1);
    assertThat(sts.requests.get(0))
        .containsEntry("Action", "AssumeRoleWithWebIdentity")
        .containsEntry("RoleArn", ROLE_ARN)
        .containsEntry("WebIdentityToken", TOKEN)
        .containsKey("RoleSessionName");
    assertThat(r.out() + r.err())
        .doesNotContain(TOKEN)
        .doesNotContain(TEMP_SECRET)
        .doesNotContain(SESSION_TOKEN);
  }

  @Test
  void aRefusedTokenIsACredentialsErrorThatNeverShowsTheToken() throws Exception {
    String wrong = "eyJhbGciOiJSUzI1NiJ9.a-token-for-another-audience.signature";
    Files.writeString(tmp.resolve("token"), wrong);
    Path dest = tmp.resolve("model");

    Run r = loader(podEnv(), "download", "s3://models/iris/v1/model.onnx", dest.toString());

    assertThat(r.code()).as(r.err()).isEqualTo(LoaderException.ACCESS_DENIED);
    assertThat(sts.requests)
        .isNotEmpty()
        .allSatisfy(q -> assertThat(q).containsEntry("WebIdentityToken", wrong));
    assertThat(r.err().strip())
        .startsWith("kiln-loader: error: ")
        .contains("bucket 'models'")
        .contains("InvalidIdentityToken")
        .contains("AWS_ROLE_ARN")
        .contains("AWS_WEB_IDENTITY_TOKEN_FILE")
        .doesNotContain("\n");
    assertThat(r.out() + r.err()).doesNotContain(wrong).doesNotContain("a-token-for-another");
    assertThat(dest).doesNotExist();
  }

  @Test
  void aMissingTokenFileNamesTheVariableAndAsksNoOne() throws Exception {
    Path dest = tmp.resolve("model");

    Run r = loader(podEnv(), "download", "s3://models/iris/v1/model.onnx", dest.toString());

    assertThat(r.code()).as(r.err()).isEqualTo(LoaderException.ACCESS_DENIED);
    assertThat(r.err().strip())
        .contains("AWS_WEB_IDENTITY_TOKEN_FILE")
        .contains(tmp.resolve("token").toString())
        .doesNotContain("\n");
    assertThat(sts.requests).isEmpty();
    assertThat(dest).doesNotExist();
  }

  /**
   * What the EKS pod identity webhook puts in a pod whose ServiceAccount names a role, plus the
   * endpoints of the local STS and S3. No keys; no profile file; no instance metadata, so nothing
   * but the web identity can supply credentials.
   */
  private Map<String, String> podEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_ROLE_ARN", ROLE_ARN);
    env.put("AWS_WEB_IDENTITY_TOKEN_FILE", tmp.resolve("token").toString());
    env.put("AWS_REGION", "us-east-1");
    env.put("AWS_DEFAULT_REGION", "us-east-1");
    env.put("AWS_STS_REGIONAL_ENDPOINTS", "regional");
    env.put("AWS_ENDPOINT_URL_STS", sts.endpoint());
    env.put("AWS_ENDPOINT_URL_S3", stores.s3Endpoint());
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("AWS_CONFIG_FILE", tmp.resolve("no-aws-config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", tmp.resolve("no-aws-credentials").toString());
    env.put("HOME", tmp.toString());
    return env;
  }

  private record Run(int code, String out, String err) {}

  /** Runs the loader as a process with exactly {@code env}; bounded in time. */
  private Run loader(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(runtimeClassPath());
    command.add(Loader.class.getName());
    command.addAll(List.of(args));
    Path out = tmp.resolve("loader.out");
    Path err = tmp.resolve("loader.err");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("the loader did not finish within 120 s; stderr: " + Files.readString(err));
    }
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  /**
   * The loader's classes and its runtime dependencies, what the image's {@code lib/} holds; not the
   * test class path, where s3proxy brings modules (sts among them) that the loader itself lacks.
   */
  private static String runtimeClassPath() throws Exception {
    Path classes =
        Path.of(Loader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path dependencies = classes.resolveSibling("runtime-classpath.txt");
    assertThat(dependencies)
        .as("written by the build (maven-dependency-plugin build-classpath)")
        .exists();
    return classes + File.pathSeparator + Files.readString(dependencies).strip();
  }

  /**
   * A local STS: answers {@code AssumeRoleWithWebIdentity} for {@link #ROLE_ARN} with {@link
   * #TOKEN} by temporary credentials, in the response shape of the real service
   * (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html), and
   * any other token with the error STS gives for a token it does not accept. Records every request.
   */
  static final class StsStub implements AutoCloseable {
    final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    StsStub() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", this::handle);
      server.start();
    }

    String endpoint() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
      Map<String, String> form =
          form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      requests.add(form);
      if (!"POST".equals(exchange.getRequestMethod())
          || !"AssumeRoleWithWebIdentity".equals(form.get("Action"))) {
        respond(exchange, 400, error("InvalidAction", "Could not find operation"));
      } else if (!TOKEN.equals(form.get("WebIdentityToken"))) {
        respond(exchange, 400, error("InvalidIdentityToken", "Incorrect token audience"));
      } else if (!ROLE_ARN.equals(form.get("RoleArn"))) {
        respond(
            exchange,
            403,
            error("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity"));
      } else {
        respond(exchange, 200, credentials(form.get("RoleSessionName")));
      }
    }

    private static Map<String, String> form(String body) {
      Map<String, String> form = new HashMap<>();
      for (String pair : body.split("&", -1)) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          form.put(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
      return form;
    }

    private static String credentials(String sessionName) {
      String expiration =
          Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
      return """
          <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
            <AssumeRoleWithWebIdentityResult>
              <SubjectFromWebIdentityToken>system:serviceaccount:ml:trainer</SubjectFromWebIdentityToken>
              <Audience>sts.amazonaws.com</Audience>
              <AssumedRoleUser>
                <Arn>arn:aws:sts::123456789012:assumed-role/kiln-loader/%1$s</Arn>
                <AssumedRoleId>AROAKILNLOADEREXAMPLE:%1$s</AssumedRoleId>
              </AssumedRoleUser>
              <Credentials>
                <SessionToken>%2$s</SessionToken>
                <SecretAccessKey>%3$s</SecretAccessKey>
                <Expiration>%4$s</Expiration>
                <AccessKeyId>%5$s</AccessKeyId>
              </Credentials>
              <Provider>oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE</Provider>
            </AssumeRoleWithWebIdentityResult>
            <ResponseMetadata>
              <RequestId>ad4156e9-bce1-11e2-82e6-6b6efexample</RequestId>
            </ResponseMetadata>
          </AssumeRoleWithWebIdentityResponse>
          """
          .formatted(sessionName, SESSION_TOKEN, TEMP_SECRET, expiration, TEMP_KEY_ID);
    }

    private static String error(String code, String message) {
      return """
          <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
            <Error>
              <Type>Sender</Type>
              <Code>%s</Code>
              <Message>%s</Message>
            </Error>
            <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
          </ErrorResponse>
          """
          .formatted(code, message);
    }

    private static void respond(HttpExchange exchange, int status, String xml) throws IOException {
      byte[] body = xml.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/xml");
      exchange.getResponseHeaders().set("x-amzn-RequestId", "c6104cbe-af31-11e0-8154-cbc7ccf896c7");
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
