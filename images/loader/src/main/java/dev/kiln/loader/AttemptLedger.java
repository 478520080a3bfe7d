package dev.kiln.loader;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The attempt number of a training pod, counted on the run's workspace by the init step that runs
 * just before the trainer: each start of worker {@code i} claims the next number in {@code
 * <ledger>/worker-<i>/} by creating a file of that name. Creating a file that must not exist is
 * atomic on every file system a claim can have (local, NFS), so two pods of one index that start
 * together (a replacement beside a pod still terminating) never get the same number, and the number
 * is right in the very pod that runs, whatever the operator has seen yet.
 */
final class AttemptLedger {
  /** Far beyond any backoffLimit; stops a runaway loop on a file system that misbehaves. */
  static final int MAX_ATTEMPTS = 100_000;

  private AttemptLedger() {}

  /** Claims the next attempt number of this worker: 1 for its first start. */
  static int claim(Path ledger, String workerIndex) throws LoaderException, IOException {
    if (!workerIndex.matches("\\d{1,5}")) {
      throw new LoaderException(
          LoaderException.USAGE,
          "KILN_WORKER_INDEX must be a worker index (0, 1, …), got '" + workerIndex + "'");
    }
    Path worker = Files.createDirectories(ledger.resolve("worker-" + workerIndex));
    for (int n = highest(worker) + 1; n <= MAX_ATTEMPTS; n++) {
      try {
        Files.createFile(worker.resolve(Integer.toString(n)));
        return n;
      } catch (FileAlreadyExistsException taken) {
        // Another pod of this index claimed n first: try the next one.
      }
    }
    throw new LoaderException(
        LoaderException.IO, worker + " already holds " + MAX_ATTEMPTS + " attempts");
  }

  /** The highest number claimed so far, 0 for none; other names in the folder are ignored. */
  private static int highest(Path worker) throws IOException {
    try (Stream<Path> claimed = Files.list(worker)) {
      return claimed
          .map(p -> p.getFileName().toString())
          .filter(name -> name.matches("\\d{1,9}"))
          .mapToInt(Integer::parseInt)
          .max()
          .orElse(0);
    }
  }
}
