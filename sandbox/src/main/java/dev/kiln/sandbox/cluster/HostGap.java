package dev.kiln.sandbox.cluster;

import java.util.List;

/**
 * What this machine lacks to run a container of the user's image (its Python, or modules the code
 * imports): the container then fails as it would on a cluster whose image lacked them (its log says
 * why, it exits non-zero, the log's tail becomes the termination message), and the sandbox tells
 * its user once what to install.
 *
 * @param log what the container prints before it exits
 * @param notice the line for the sandbox's user, naming the packages to install
 */
record HostGap(String log, String notice, int exitCode) {

  /** The container's process: it prints the log and exits with the code, nothing else. */
  ContainerCommand failing(ContainerCommand command) {
    return new ContainerCommand(
        List.of("/bin/sh", "-c", "printf '%s\\n' \"$1\" >&2; exit " + exitCode, "sh", log),
        command.env(),
        command.workdir());
  }

  static HostGap noInterpreter(HostPython python) {
    String install =
        "install it (Debian, Ubuntu: sudo apt-get install python3) or name another with -D"
            + HostPython.PROPERTY
            + "=PATH or "
            + HostPython.ENV
            + "=PATH";
    return new HostGap(
        "kiln sandbox: this machine has no Python at "
            + python.interpreter()
            + " to run the image's command with; "
            + install,
        "this machine has no Python at " + python.interpreter() + ": " + install,
        127);
  }

  static HostGap missingModules(HostPython python, List<PythonImports.Missing> missing) {
    List<String> modules = missing.stream().map(PythonImports.Missing::module).toList();
    String install = "sudo apt-get install " + String.join(" ", DebianPackages.of(modules));
    StringBuilder log = new StringBuilder();
    for (PythonImports.Missing m : missing) {
      log.append("ModuleNotFoundError: No module named '")
          .append(m.module())
          .append("' (imported by ")
          .append(m.importedBy())
          .append(")\n");
    }
    log.append("kiln sandbox: the sandbox runs the image's code with this machine's ")
        .append(python.interpreter())
        .append(" (not what the Dockerfile installs), which lacks ")
        .append(modules.size() == 1 ? "it" : "them")
        .append(". Install: ")
        .append(install);
    return new HostGap(
        log.toString(),
        python.interpreter() + " cannot import " + String.join(", ", modules) + ": " + install,
        1);
  }
}
