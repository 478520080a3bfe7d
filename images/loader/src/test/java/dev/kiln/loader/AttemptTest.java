package dev.kiln.loader;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln-loader attempt}: the attempt number each start of a worker is given. */
class AttemptTest {
  @TempDir Path tmp;

  private int attempt(String workerIndex) throws Exception {
    Path out = tmp.resolve("out-" + System.nanoTime());
    Map<String, String> env =
        workerIndex == null ? Map.of() : Map.of("KILN_WORKER_INDEX", workerIndex);
    int exit =
        Loader.run(new String[] {"attempt", tmp.resolve("ledger").toString(), out.toString()}, env);
    assertThat(exit).isZero();
    return Integer.parseInt(Files.readString(out).trim());
  }

  @Test
  void eachStartOfAWorkerGetsTheNextNumber() throws Exception {
    assertThat(List.of(attempt(null), attempt(null), attempt(null))).containsExactly(1, 2, 3);
  }

  @Test
  void workersCountTheirOwnStarts() throws Exception {
    assertThat(attempt("1")).isEqualTo(1);
    assertThat(attempt("1")).isEqualTo(2);
    assertThat(attempt("0")).as("worker 0 never failed").isEqualTo(1);
    assertThat(attempt("1")).isEqualTo(3);
  }

  @Test
  void podsOfOneIndexStartingTogetherNeverShareANumber() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Integer>> starts = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        starts.add(() -> AttemptLedger.claim(tmp.resolve("ledger"), "0"));
      }
      List<Integer> numbers = new ArrayList<>();
      for (Future<Integer> f : pool.invokeAll(starts)) {
        numbers.add(f.get());
      }
      assertThat(numbers).doesNotHaveDuplicates().hasSize(40).allMatch(n -> n >= 1 && n <= 40);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aWorkerIndexThatIsNotOneIsRefusedNamingTheVariable() {
    int exit =
        Loader.run(
            new String[] {"attempt", tmp.resolve("l").toString(), tmp.resolve("o").toString()},
            Map.of("KILN_WORKER_INDEX", "../x"));
    assertThat(exit).isEqualTo(LoaderException.USAGE);
    assertThat(tmp.resolve("o")).doesNotExist();
  }
}
