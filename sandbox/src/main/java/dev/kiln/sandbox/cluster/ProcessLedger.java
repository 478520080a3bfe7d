package dev.kiln.sandbox.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The processes the sandbox started, one a line in {@code <dir>/processes}: the pid and the start
 * time, which together name one process (a pid alone may have been reused since). A sandbox stopped
 * normally (Ctrl-C, SIGTERM, or the end of its run) stops its processes itself; one killed with
 * SIGKILL cannot, so the next sandbox started in the same folder stops what the ledger lists first,
 * with the processes they started (torchrun's workers, say).
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
          process.pid()
              + " "
              + process.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L)
              + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the listed processes that still run, and what they started. */
  public static void stopLeftovers(Path dir) {
    Path file = dir.resolve("processes");
    if (!Files.exists(file)) {
      return;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      return;
    }
    for (String line : lines) {
      String[] fields = line.strip().split("\\s+", -1);
      if (fields.length != 2) {
        continue;
      }
      long started = Long.parseLong(fields[1]);
      ProcessHandle.of(Long.parseLong(fields[0]))
          .filter(p -> p.info().startInstant().map(i -> i.toEpochMilli() == started).orElse(false))
          .ifPresent(
              p -> {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
              });
    }
  }
}
