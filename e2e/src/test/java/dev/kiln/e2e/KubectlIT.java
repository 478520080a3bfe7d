package dev.kiln.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kubectl against the sandbox, as a user drives it after the quick start (skipped when kubectl is
 * not on the PATH): plain {@code apply} (kubectl validates through the sandbox's OpenAPI), {@code
 * get -w} following a run, {@code wait} and {@code rollout status}, {@code describe} with the run's
 * Events, field selectors, the built-in kinds' columns, {@code explain}, {@code logs}, namespaces
 * created and deleted with what is in them, every example applied, and 404 for paths the API server
 * does not serve.
 */
class KubectlIT {
  private static final Duration PATIENCE = E2eCluster.PATIENCE;
  private static E2eCluster cluster;
  private static Path kubectl;

  @BeforeAll
  static void start() {
    kubectl = onPath("kubectl");
    assumeTrue(kubectl != null, "kubectl is not on the PATH");
    cluster = E2eCluster.start(KubectlIT.class);
    assumeTrue(cluster.isSandbox(), "the kubectl tests run against the sandbox");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void kubectlFollowsDescribesAndDeletesTheQuickstart() throws Exception {
    String ns = cluster.namespace("kubectl");
    String file = E2eCluster.ROOT.resolve("examples/quickstart.yaml").toString();

    // The most common way to watch a run, started before the run exists; -v=6 logs the watch
    // request once the sandbox has answered it (kubectl prints nothing for an empty list).
    Path watchLog = cluster.sandbox().dir().resolve("kubectl-get-tj-w.log");
    Process watch = start(watchLog, "get", "tj", "-w", "-n", ns, "-v=6");
    try {
      await()
          .atMost(PATIENCE)
          .untilAsserted(
              () -> assertThat(watchLog).content().containsPattern("watch=true.* 200 OK"));

      assertThat(kubectl("apply", "-n", ns, "-f", file))
          .as("plain apply: kubectl validates with the sandbox's OpenAPI")
          .contains(
              "trainingjob.kiln.dev/iris-quickstart created",
              "modelserver.kiln.dev/iris-quickstart created");
      assertThat(
              kubectl(
                  PATIENCE,
                  "wait",
                  "--for=condition=Succeeded",
                  "--timeout=" + PATIENCE.toSeconds() + "s",
                  "-n",
                  ns,
                  "tj/iris-quickstart"))
          .contains("trainingjob.kiln.dev/iris-quickstart condition met");
      await()
          .atMost(PATIENCE)
          .untilAsserted(
              () ->
                  assertThat(phases(Files.readString(watchLog), "iris-quickstart"))
                      .as("the phases kubectl get -w printed")
                      .containsSubsequence("Pending", "Running", "Succeeded"));
    } finally {
      watch.destroy();
      assertThat(watch.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(Files.readString(watchLog))
        .containsPattern("NAME\\s+PHASE\\s+PROGRESS\\s+AGE")
        .doesNotContain("the server rejected our request");

    assertThat(kubectl("describe", "tj", "iris-quickstart", "-n", ns))
        .as("describe shows the run's Events")
        .containsPattern("Events:\\s+Type\\s+Reason\\s+Age\\s+From\\s+Message")
        .containsPattern(
            "Normal\\s+JobCreated\\s+\\S+\\s+kiln-operator\\s+Created Job iris-quickstart-1")
        .containsPattern("Normal\\s+Succeeded\\s+\\S+\\s+kiln-operator\\s+Training succeeded");
    assertThat(
            kubectl(
                "get",
                "events",
                "-n",
                ns,
                "--field-selector",
                "involvedObject.name=iris-quickstart,involvedObject.kind=TrainingJob,reason=Succeeded",
                "-o",
                "name"))
        .as("one Event of the run has the reason Succeeded")
        .matches("event/iris-quickstart\\.\\w+");
    assertThat(kubectl("get", "events", "-n", ns))
        .containsPattern("LAST SEEN\\s+TYPE\\s+REASON\\s+OBJECT\\s+MESSAGE")
        .containsPattern("\\S+\\s+Normal\\s+Succeeded\\s+trainingjob/iris-quickstart\\s+Training");

    assertThat(kubectl("get", "tj,ms", "-n", ns, "-o", "yaml"))
        .contains("kind: TrainingJob", "kind: ModelServer", "phase: Succeeded", "model.onnx");
    assertThat(kubectl("get", "tj", "-n", ns))
        .as("the CRD's printer columns")
        .containsPattern("NAME\\s+PHASE\\s+PROGRESS\\s+AGE")
        .containsPattern("iris-quickstart\\s+Succeeded\\s+100\\s+\\d+s");
    assertThat(kubectl("get", "tj", "-n", ns, "-o", "wide"))
        .contains("pvc://iris-quickstart-workspace/model/model.onnx");
    assertThat(kubectl("get", "kiln", "-n", ns, "-o", "name"))
        .as("the kiln category lists both kinds")
        .contains("trainingjob.kiln.dev/iris-quickstart", "modelserver.kiln.dev/iris-quickstart");
    assertThat(
            kubectl(
                "get", "tj", "iris-quickstart", "-n", ns, "-o", "jsonpath={.status.artifact.uri}"))
        .isEqualTo("pvc://iris-quickstart-workspace/model/model.onnx");

    // The built-in kinds with the columns kubectl shows on a cluster.
    assertThat(kubectl("get", "jobs", "-n", ns))
        .containsPattern("NAME\\s+STATUS\\s+COMPLETIONS\\s+DURATION\\s+AGE")
        .containsPattern("iris-quickstart-1\\s+Complete\\s+1/1\\s+\\d+s");
    assertThat(kubectl("get", "pods", "-n", ns))
        .containsPattern("NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE")
        .containsPattern("iris-quickstart-1-\\S+\\s+0/1\\s+Completed\\s+0");
    assertThat(kubectl("get", "pvc", "-n", ns))
        .containsPattern("NAME\\s+STATUS\\s+VOLUME\\s+CAPACITY\\s+ACCESS MODES\\s+STORAGECLASS")
        .containsPattern("iris-quickstart-workspace\\s+Bound");

    assertThat(
            kubectl(
                PATIENCE,
                "wait",
                "--for=jsonpath={.status.phase}=Ready",
                "--timeout=" + PATIENCE.toSeconds() + "s",
                "-n",
                ns,
                "ms/iris-quickstart"))
        .contains("condition met");
    assertThat(kubectl(PATIENCE, "rollout", "status", "deploy/iris-quickstart", "-n", ns))
        .contains("deployment \"iris-quickstart\" successfully rolled out");
    assertThat(kubectl("get", "deploy", "-n", ns))
        .containsPattern("NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE")
        .containsPattern("iris-quickstart\\s+1/1\\s+1\\s+1\\s+\\S+");
    assertThat(kubectl("get", "svc", "-n", ns))
        .containsPattern("NAME\\s+TYPE\\s+CLUSTER-IP\\s+EXTERNAL-IP\\s+PORT\\(S\\)\\s+AGE")
        .containsPattern("iris-quickstart\\s+ClusterIP\\s+\\S+\\s+\\S+\\s+8080/TCP,8081/TCP");
    assertThat(kubectl("get", "pods", "-n", ns, "--field-selector", "status.phase=Running"))
        .as("only the model server's pod runs")
        .containsPattern("iris-quickstart-\\w+-\\w+\\s+1/1\\s+Running")
        .doesNotContain("iris-quickstart-1-");

    String pod =
        cluster.pods(ns, "kiln.dev/trainingjob", "iris-quickstart").get(0).getMetadata().getName();
    assertThat(kubectl("logs", pod, "-n", ns)).contains("kiln-trainer: epoch 20/20");

    assertThat(kubectl("delete", "-n", ns, "-f", file))
        .contains("trainingjob.kiln.dev \"iris-quickstart\" deleted");
    assertThat(kubectl("get", "tj,ms", "-n", ns, "-o", "name")).isBlank();
  }

  @Test
  void explainPrintsAFieldsDescriptionFromTheCrd() throws Exception {
    assertThat(kubectl("explain", "trainingjob.spec.workers"))
        .contains("KIND:       TrainingJob", "FIELD: workers <integer>")
        .contains("Number of worker pods.");
    assertThat(kubectl("explain", "pods.spec.containers"))
        .as("the built-in kinds' fields, from fabric8's model")
        .contains("FIELD: containers <[]Container>", "image\t<string>");
  }

  @Test
  void everyExampleAppliesInANewNamespaceThatIsDeletedWithIt() throws Exception {
    String ns = "e2e-kubectl-ns-" + Long.toString(System.nanoTime() % 1_000_000, 36);
    assertThat(kubectl("create", "namespace", ns)).isEqualTo("namespace/" + ns + " created");
    assertThat(kubectl("get", "ns")).containsPattern(ns + "\\s+Active\\s+\\d+s");

    Path examples = E2eCluster.ROOT.resolve("examples");
    String applied = kubectl("apply", "-R", "-f", examples.toString(), "-n", ns);
    List<String> expected = exampleObjects(examples);
    assertThat(expected).hasSizeGreaterThan(10);
    for (String object : expected) {
      assertThat(applied).as("kubectl apply -R -f examples/").contains(object + " created");
    }

    assertThat(kubectl(PATIENCE, "delete", "namespace", ns))
        .isEqualTo("namespace \"" + ns + "\" deleted");
    assertThat(kubectl("get", "ns", "-o", "name")).doesNotContain("namespace/" + ns);
    assertThat(kubectl("get", "tj,ms,pods,secrets,jobs,pvc", "-n", ns, "-o", "name"))
        .as("what was in the namespace went with it")
        .isBlank();
    assertThat(run("apply", "-n", ns, "-f", examples.resolve("quickstart.yaml").toString()))
        .as("nothing can be created in a namespace that does not exist")
        .contains("namespaces \"" + ns + "\" not found");
  }

  @Test
  void pathsTheApiServerDoesNotServeAnswerNotFound() throws Exception {
    assertThat(kubectl("get", "--raw", "/openapi/v3"))
        .contains("\"apis/kiln.dev/v1alpha1\"", "serverRelativeURL");
    assertThat(run("get", "--raw", "/openapi/v2")).contains("NotFound");
    assertThat(run("get", "--raw", "/apis/kiln.dev/v1alpha1/namespaces/default/nothings"))
        .contains("NotFound");
    assertThat(run("get", "events", "--field-selector", "spec.foo=bar"))
        .contains("field label not supported: spec.foo");
    assertThat(
            run(
                "apply",
                "--dry-run=server",
                "-f",
                E2eCluster.ROOT.resolve("examples/trainingjob-basic.yaml").toString()))
        .as("the mock would store the object, so a dry run is refused")
        .contains("does not do dry runs");
    assertThat(run("get", "tj", "iris-basic")).contains("NotFound");
  }

  @Test
  void applyRefusesAnUnknownFieldOfABuiltInKindAsAStrictServerDoes() throws Exception {
    Path secret = cluster.sandbox().dir().resolve("secret-with-a-typo.yaml");
    Files.writeString(
        secret,
        """
        apiVersion: v1
        kind: Secret
        metadata:
          name: s3-credentials
        stringDta:
          AWS_REGION: eu-west-1
        """);
    String ns = cluster.namespace("kubectl-validate");
    assertThat(run("apply", "-n", ns, "-f", secret.toString()))
        .contains("strict decoding error: unknown field \"stringDta\"");
    assertThat(kubectl("get", "secrets", "-n", ns, "-o", "name")).isBlank();
  }

  /** {@code kind.group/name} of every object in the examples' YAML files, as apply prints them. */
  private static List<String> exampleObjects(Path examples) throws IOException {
    List<String> objects = new ArrayList<>();
    Pattern kind = Pattern.compile("(?m)^kind: (\\w+)$");
    Pattern name = Pattern.compile("(?m)^  name: (\\S+)$");
    try (Stream<Path> files = Files.walk(examples)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        for (String doc : Files.readString(f).split("(?m)^---$", -1)) {
          Matcher k = kind.matcher(doc);
          Matcher n = name.matcher(doc);
          if (k.find() && n.find()) {
            String group = k.group(1).equals("Secret") ? "" : ".kiln.dev";
            objects.add(k.group(1).toLowerCase(Locale.ROOT) + group + "/" + n.group(1));
          }
        }
      }
    }
    return objects;
  }

  /** The PHASE cell of each line kubectl get -w printed for the run, in order. */
  private static List<String> phases(String output, String name) {
    List<String> phases = new ArrayList<>();
    for (String line : output.lines().toList()) {
      String[] cells = line.trim().split("\\s+", -1);
      if (cells.length > 1 && cells[0].equals(name)) {
        phases.add(cells[1]);
      }
    }
    return phases;
  }

  private static String kubectl(String... args) throws IOException, InterruptedException {
    return kubectl(Duration.ofSeconds(60), args);
  }

  /** Runs kubectl, which must succeed; its output (stdout and stderr), stripped. */
  private static String kubectl(Duration timeout, String... args)
      throws IOException, InterruptedException {
    Process p = process(args).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("kubectl %s: %s", String.join(" ", args), output).isZero();
    return output.strip();
  }

  /** Runs kubectl, which must fail; its output. */
  private static String run(String... args) throws IOException, InterruptedException {
    Process p = process(args).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("kubectl %s: %s", String.join(" ", args), output).isNotZero();
    return output.strip();
  }

  /** Starts kubectl in the background, its output going to {@code log}. */
  private static Process start(Path log, String... args) throws IOException {
    return process(args).redirectOutput(log.toFile()).start();
  }

  private static ProcessBuilder process(String... args) {
    List<String> command = new ArrayList<>(List.of(kubectl.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("KUBECONFIG", cluster.sandbox().kubeconfig().toString());
    // A discovery cache of its own: the sandbox's port changes from run to run.
    pb.environment().put("KUBECACHEDIR", cluster.sandbox().dir().resolve("kube-cache").toString());
    return pb;
  }

  private static Path onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator, -1)) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
