package dev.kiln.sandbox.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The sandbox's image "registry": the user's own images ({@code --image NAME=DIR}, looked up first,
 * so one may stand in for a reference image) and the reference images of this repository ({@code
 * images/<module>/Dockerfile}), found by repository name and tag. Every other image cannot be
 * pulled, as on a cluster that cannot reach its registry.
 */
public final class LocalImages {
  private final List<LocalImage> images;
  private final List<LocalImage> users;

  public LocalImages(List<LocalImage> images) {
    this(images, List.of());
  }

  private LocalImages(List<LocalImage> images, List<LocalImage> users) {
    this.images = List.copyOf(images);
    this.users = List.copyOf(users);
  }

  /** These images and the user's, which are found first. */
  public LocalImages withUserImages(List<LocalImage> userImages) {
    List<LocalImage> all = new java.util.ArrayList<>(users);
    all.addAll(userImages);
    return new LocalImages(images, all);
  }

  /** Every {@code images/*}/Dockerfile of the repository that builds a runnable jar. */
  public static LocalImages fromRepository(Path root) {
    try (Stream<Path> dirs = Files.list(root.resolve("images"))) {
      return new LocalImages(
          dirs.map(d -> d.resolve("Dockerfile"))
              .filter(Files::isRegularFile)
              .sorted()
              .map(f -> LocalImage.fromDockerfile(f, root))
              // The operator's own image does not run in the sandbox: the operator runs in-process.
              .filter(i -> !i.title().equals("kiln-operator"))
              .toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + root.resolve("images"), e);
    }
  }

  public Optional<LocalImage> find(String ref) {
    return Stream.concat(users.stream(), images.stream()).filter(i -> i.matches(ref)).findFirst();
  }

  /** The image a container names, as a kubelet pulls it: any other is ErrImagePull. */
  LocalImage pull(String ref) throws StartupError {
    return find(ref)
        .orElseThrow(
            () ->
                new StartupError(
                    "ErrImagePull",
                    "failed to pull image \""
                        + ref
                        + "\": not found (the sandbox has "
                        + describe()
                        + "; run your own with --image "
                        + ref
                        + "=<build context>)"));
  }

  /** The reference images. */
  public List<LocalImage> all() {
    return images;
  }

  /** The user's images (--image). */
  public List<LocalImage> users() {
    return users;
  }

  /** The images whose build output is missing, so the sandbox cannot run them. */
  public List<String> notBuilt() {
    return images.stream()
        .filter(i -> !Files.isDirectory(i.workdir().resolve("lib")))
        .map(i -> i.reference() + " (" + i.workdir() + ")")
        .toList();
  }

  /** For error messages: what the sandbox can run. */
  public String describe() {
    String reference =
        "the reference images "
            + String.join(", ", images.stream().map(LocalImage::reference).toList());
    return users.isEmpty()
        ? reference
        : "your images "
            + String.join(", ", users.stream().map(LocalImage::reference).toList())
            + " and "
            + reference;
  }
}
