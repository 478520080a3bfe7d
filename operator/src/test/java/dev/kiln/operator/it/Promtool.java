package dev.kiln.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code promtool check metrics}, the linter Prometheus ships, on a scrape of the operator. Tests
 * that need it skip when it is missing (Debian's {@code prometheus} package installs it).
 */
final class Promtool {
  private Promtool() {}

  /** Fails with promtool's words unless it finds nothing to say about the scrape. */
  static void assertClean(String scrape) throws IOException, InterruptedException {
    Process p = start("check", "metrics");
    try (OutputStream in = p.getOutputStream()) {
      in.write(scrape.getBytes(StandardCharsets.UTF_8));
    }
    String said = output(p);
    assertThat(said).as("promtool check metrics on the scrape").isEmpty();
    assertThat(p.exitValue()).as("promtool's exit code; it said: " + said).isZero();
  }

  /** Fails with promtool's words unless the rules file is valid. */
  static void assertValidRules(String rules, Path dir) throws IOException, InterruptedException {
    Path file = Files.writeString(dir.resolve("rules.yaml"), rules);
    Process p = start("check", "rules", file.toString());
    p.getOutputStream().close();
    String said = output(p);
    assertThat(p.exitValue()).as("promtool check rules; it said: " + said).isZero();
  }

  private static Process start(String... args) throws IOException {
    Optional<Path> promtool = find();
    assumeTrue(
        promtool.isPresent(),
        "promtool is not on the PATH: install Debian's prometheus package (apt-get install"
            + " prometheus) to lint the operator's /metrics");
    List<String> command = new ArrayList<>();
    command.add(promtool.get().toString());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  private static String output(Process p) throws IOException, InterruptedException {
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    return said;
  }

  private static Optional<Path> find() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(Pattern.quote(File.pathSeparator), -1)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "promtool");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
