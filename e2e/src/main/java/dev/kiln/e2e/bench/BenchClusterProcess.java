package dev.kiln.e2e.bench;

import dev.kiln.testkit.api.MockApiServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The benchmark's cluster ({@link BenchClusterMain}: API server, simulated Job controller, probe)
 * as a child JVM, and the questions the benchmark asks it. The child's other output (its logs) is
 * passed on to stderr.
 */
final class BenchClusterProcess implements AutoCloseable {
  /** The child holds the whole store: 10,000 runs are about 100,000 objects. */
  private static final String CHILD_MAX_HEAP = "-Xmx2g";

  private static final long ANSWER_TIMEOUT_S = 120;

  private final Process process;
  private final Writer commands;
  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
  private final String url;

  private BenchClusterProcess(MockApiServer.Lookups lookups) throws IOException {
    List<String> command =
        new ArrayList<>(List.of(javaExecutable(), CHILD_MAX_HEAP, "-XX:+ExitOnOutOfMemoryError"));
    // e.g. -Dkiln.bench.clusterJvmArgs=-XX:StartFlightRecording=filename=cluster.jfr to profile
    String extra = System.getProperty("kiln.bench.clusterJvmArgs", "").trim();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.addAll(List.of("-cp", classPath(), BenchClusterMain.class.getName(), lookups.name()));
    process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readOutput, "bench-cluster-output");
    reader.setDaemon(true);
    reader.start();
    url = "http://localhost:" + answer("ready")[0] + "/";
  }

  static BenchClusterProcess start(MockApiServer.Lookups lookups) {
    try {
      return new BenchClusterProcess(lookups);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the benchmark's cluster JVM", e);
    }
  }

  /** The API server's URL. */
  String url() {
    return url;
  }

  LifecycleProbe.Progress progress() {
    String[] a = ask("progress");
    return new LifecycleProbe.Progress(
        Integer.parseInt(a[0]),
        Integer.parseInt(a[1]),
        Integer.parseInt(a[2]),
        Integer.parseInt(a[3]));
  }

  LifecycleProbe.Latencies latencies() {
    String[] a = ask("latencies");
    return new LifecycleProbe.Latencies(
        Integer.parseInt(a[0]), Double.parseDouble(a[1]), Double.parseDouble(a[2]));
  }

  /** What the child's JVM measures of itself (after a GC). */
  ProcessUsage usage() {
    String[] a = ask("usage");
    return new ProcessUsage(Long.parseLong(a[0]), Long.parseLong(a[1]), Double.parseDouble(a[2]));
  }

  private synchronized String[] ask(String command) {
    try {
      commands.write(command + "\n");
      commands.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("the benchmark's cluster JVM is gone", e);
    }
    return answer(command);
  }

  /** The next answer, which must start with {@code verb}; its remaining words. */
  private String[] answer(String verb) {
    String line;
    try {
      line = answers.poll(ANSWER_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (line == null || !line.startsWith(verb + " ")) {
      throw new IllegalStateException(
          "the benchmark's cluster JVM answered " + line + " to " + verb);
    }
    return line.substring(verb.length() + 1).split(" ");
  }

  private void readOutput() {
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith(BenchClusterMain.PREFIX)) {
          answers.add(line.substring(BenchClusterMain.PREFIX.length()));
        } else {
          System.err.println("[cluster] " + line);
        }
      }
    } catch (IOException e) {
      // the child exited
    }
    answers.add("exited"); // fails a question still waiting, at once
  }

  @Override
  public void close() {
    try {
      commands.close(); // the child exits when its stdin closes
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * The classpath this class was loaded from: exec:java's class loader lists it (the JVM's own
   * classpath is Maven's), a plain {@code java -cp} run has it in java.class.path.
   */
  private static String classPath() {
    if (BenchClusterProcess.class.getClassLoader() instanceof URLClassLoader loader) {
      return Arrays.stream(loader.getURLs())
          .map(BenchClusterProcess::toPath)
          .collect(Collectors.joining(File.pathSeparator));
    }
    return System.getProperty("java.class.path");
  }

  private static String toPath(URL url) {
    try {
      return Path.of(url.toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(url.toString(), e);
    }
  }
}
