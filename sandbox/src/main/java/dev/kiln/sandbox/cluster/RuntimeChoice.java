package dev.kiln.sandbox.cluster;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The sandbox's {@code --runtime}: run pods in podman or docker, as processes of this machine, or
 * (auto, the command's default) in the engine {@code images/engine/engine.sh} finds, else as
 * processes.
 */
public enum RuntimeChoice {
  AUTO,
  PODMAN,
  DOCKER,
  PROCESS;

  /** The option's value: {@code auto}, {@code podman}, {@code docker}, {@code process}. */
  public String option() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The choice {@code value} names.
   *
   * @throws IllegalArgumentException naming the values there are
   */
  public static RuntimeChoice parse(String value) {
    for (RuntimeChoice c : values()) {
      if (c.option().equals(value)) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "must be one of "
            + Arrays.stream(values()).map(RuntimeChoice::option).collect(Collectors.joining(", "))
            + ": "
            + value);
  }
}
