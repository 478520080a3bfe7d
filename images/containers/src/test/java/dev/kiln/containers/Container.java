package dev.kiln.containers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A detached container, removed on close; its name is unique per test run. */
final class Container implements AutoCloseable {
  private final ContainerEngine engine;
  private final String name;

  private Container(ContainerEngine engine, String name) {
    this.engine = engine;
    this.name = name;
  }

  /** {@code engine run -d --name <unique> <args...>}. */
  static Container start(ContainerEngine engine, String prefix, List<String> args) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> run = new ArrayList<>(List.of("run", "-d", "--name", name));
    run.addAll(args);
    engine.check(Duration.ofMinutes(2), run);
    return new Container(engine, name);
  }

  String name() {
    return name;
  }

  String logs() {
    ContainerEngine.Result logs = engine.run(Duration.ofSeconds(30), List.of("logs", name));
    return logs.stdout() + logs.stderr();
  }

  ContainerEngine.Result exec(List<String> command) {
    List<String> args = new ArrayList<>(List.of("exec", name));
    args.addAll(command);
    return engine.run(Duration.ofMinutes(1), args);
  }

  /**
   * Runs the image's own HEALTHCHECK once: {@code podman healthcheck run}; docker has no such
   * command, so its test command is executed in the container.
   */
  ContainerEngine.Result healthcheck(List<String> imageHealthcheck) {
    if (engine.name().equals("podman")) {
      return engine.run(Duration.ofMinutes(1), List.of("healthcheck", "run", name));
    }
    return exec(imageHealthcheck.subList(1, imageHealthcheck.size()));
  }

  @Override
  public void close() {
    engine.run(
        Duration.ofMinutes(1),
        engine.name().equals("podman")
            ? List.of("rm", "-f", "-t", "2", name)
            : List.of("rm", "-f", name));
  }
}
