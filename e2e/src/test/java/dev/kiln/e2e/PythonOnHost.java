package dev.kiln.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.sandbox.cluster.HostPython;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The sandbox runs the user's Python images with this machine's Python and its Debian packages: a
 * scenario that needs some skips, naming the packages to install, when they are missing (CI
 * installs them: .ci/run).
 */
final class PythonOnHost {
  private PythonOnHost() {}

  /** Skips the scenario unless the host's Python imports each module (module to package). */
  static void assumeImportable(Map<String, String> modulesAndPackages) {
    Path python = HostPython.configuredInterpreter();
    assumeTrue(
        Files.isExecutable(python),
        "needs " + python + " (Debian, Ubuntu: apt-get install python3; .ci/run installs it)");
    List<String> missing = new ArrayList<>();
    modulesAndPackages.forEach(
        (module, pkg) -> {
          if (!importable(python, module)) {
            missing.add(pkg);
          }
        });
    assumeTrue(
        missing.isEmpty(),
        "needs "
            + String.join(" ", missing)
            + " for "
            + python
            + " (apt-get install "
            + String.join(" ", missing)
            + "; .ci/run installs them)");
  }

  private static boolean importable(Path python, String module) {
    try {
      Process p =
          new ProcessBuilder(python.toString(), "-c", "import " + module)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
