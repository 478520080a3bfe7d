package dev.kiln.sandbox.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Before a container of the user's image starts: can this machine's Python import what the code
 * imports? The image installs its packages with pip when it is built; the sandbox runs the code
 * with the host's interpreter instead, so a package may be missing, and a training run should not
 * find out after an hour. {@code imports.py} reads the entry point and the image's own modules it
 * imports (never running them) and lists what the interpreter cannot find. A command that passed is
 * not checked again; one that failed is, so installing the package is enough for the retry.
 */
final class PythonImports {
  private static final String SCRIPT = script();

  /** A module the code imports that the host's Python lacks, and the file that imports it. */
  record Missing(String module, String importedBy) {}

  private final HostPython python;
  private final Set<String> passed = ConcurrentHashMap.newKeySet();

  PythonImports(HostPython python) {
    this.python = python;
  }

  HostPython python() {
    return python;
  }

  /** What the machine lacks to run this (already host-side) Python command, if anything. */
  Optional<HostGap> check(ContainerCommand command) {
    if (!python.present()) {
      return Optional.of(HostGap.noInterpreter(python));
    }
    String key = command.workdir() + "\n" + String.join("\n", command.argv());
    if (passed.contains(key)) {
      return Optional.empty();
    }
    List<Missing> missing = missing(command);
    if (missing.isEmpty()) {
      passed.add(key);
      return Optional.empty();
    }
    return Optional.of(HostGap.missingModules(python, missing));
  }

  /** The modules imports.py reports missing; none when it cannot tell (the run will). */
  private List<Missing> missing(ContainerCommand command) {
    List<String> argv = new ArrayList<>(List.of(python.interpreter().toString(), "-c", SCRIPT));
    argv.addAll(entryWords(command.argv()));
    ProcessBuilder pb =
        new ProcessBuilder(argv)
            .directory(command.workdir().toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().clear();
    pb.environment().putAll(command.env());
    try {
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return List.of();
      }
      List<Missing> missing = new ArrayList<>();
      for (String line : out.split("\n", -1)) {
        String[] parts = line.split("\t", 2);
        if (parts.length == 2) {
          missing.add(new Missing(parts[0], parts[1]));
        }
      }
      return missing;
    } catch (IOException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  /**
   * The words that name the code: the arguments after the interpreter, or the words of a shell
   * command ({@code sh -c "python train.py"}).
   */
  static List<String> entryWords(List<String> argv) {
    if (argv.size() >= 3 && argv.get(0).startsWith("/bin/") && argv.get(1).startsWith("-")) {
      List<String> words = new ArrayList<>();
      for (String w : argv.get(2).split("[\\s;&|]+", -1)) {
        String word = w.replaceAll("^['\"]|['\"]$", "");
        if (!word.isEmpty()) {
          words.add(word);
        }
      }
      return words;
    }
    return argv.subList(1, argv.size());
  }

  private static String script() {
    try (InputStream in = PythonImports.class.getResourceAsStream("imports.py")) {
      if (in == null) {
        throw new IllegalStateException("imports.py is missing from the sandbox's resources");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
