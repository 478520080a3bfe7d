package dev.kiln.sandbox.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The processes the sandbox started, one pid a line in {@code <dir>/processes}. A sandbox stopped
 * normally (Ctrl-C, SIGTERM, or the end of its run) stops its processes itself; one killed with
 * SIGKILL cannot, so the next sandbox started in the same folder stops what the ledger lists first.
 */
public final class ProcessLedger {
  private final Path file;

  public ProcessLedger(Path dir) {
    this.file = dir.resolve("processes");
  }

  synchronized void started(Process process) {
    try {
      Files.writeString(
          file,
          process.pid() + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the listed processes that still run a java program started from this sandbox. */
  public static void stopLeftovers(Path dir) {
    Path file = dir.resolve("processes");
    if (!Files.exists(file)) {
      return;
    }
    List<String> pids;
    try {
      pids = Files.readAllLines(file);
    } catch (IOException e) {
      return;
    }
    String folder = dir.toAbsolutePath().toString();
    for (String line : pids) {
      if (line.isBlank()) {
        continue;
      }
      ProcessHandle.of(Long.parseLong(line.strip()))
          .filter(p -> p.info().commandLine().map(c -> c.contains(folder)).orElse(false))
          .ifPresent(ProcessHandle::destroyForcibly);
    }
  }
}
