package dev.kiln.charts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.KilnVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The version written in files Maven does not build agrees with {@code kiln.version} in the parent
 * pom: the charts' appVersion, the images' OCI version labels, and every Kiln image tag in the
 * charts, the examples, the Dockerfiles and the READMEs. A failure names each file and line, and a
 * command that fixes it.
 */
class KilnVersionTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern IMAGE =
      Pattern.compile("ghcr\\.io/kiln-dev/(kiln-[a-z-]+):([\\w.-]+)");
  private static final Pattern LABEL =
      Pattern.compile("org\\.opencontainers\\.image\\.version=\"([^\"]*)\"");

  private final String version = KilnVersion.get();

  @Test
  void theVersionIsFilteredFromThePom() {
    assertThat(version).matches("\\d+\\.\\d+\\.\\d+.*");
  }

  @Test
  void chartsAppVersionIsKilnVersion() throws IOException {
    List<String> wrong = new ArrayList<>();
    for (Path chart : List.of(Charts.OPERATOR, Charts.TRAINING)) {
      Path file = chart.resolve("Chart.yaml");
      Object appVersion = Charts.read(file).get("appVersion");
      if (!version.equals(String.valueOf(appVersion))) {
        wrong.add(
            "charts/"
                + file
                + ": appVersion is "
                + appVersion
                + "; fix: sed -i 's/^appVersion: .*/appVersion: \""
                + version
                + "\"/' charts/"
                + file);
      }
    }
    assertThat(wrong).withFailMessage(message(wrong)).isEmpty();
  }

  @Test
  void dockerfileVersionLabelsAreKilnVersion() throws IOException {
    List<String> wrong = new ArrayList<>();
    List<Path> dockerfiles = files(ROOT.resolve("images"), "Dockerfile");
    for (Path file : dockerfiles) {
      List<Hit> labels = find(file, LABEL);
      assertThat(labels).as(file + " has one org.opencontainers.image.version label").hasSize(1);
      for (Hit hit : labels) {
        if (!version.equals(hit.match().group(1))) {
          wrong.add(
              hit.fix(
                  hit.match().group(0), "org.opencontainers.image.version=\"" + version + "\""));
        }
      }
    }
    assertThat(dockerfiles).as("the images' Dockerfiles").hasSizeGreaterThanOrEqualTo(4);
    assertThat(wrong).withFailMessage(message(wrong)).isEmpty();
  }

  @Test
  void everyKilnImageTagIsKilnVersion() throws IOException {
    List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    files.addAll(files(ROOT.resolve("charts"), ".yaml", ".md"));
    files.addAll(files(ROOT.resolve("examples"), ".yaml", ".md"));
    files.addAll(files(ROOT.resolve("images"), "Dockerfile", ".md"));
    List<String> wrong = new ArrayList<>();
    int tags = 0;
    for (Path file : files) {
      for (Hit hit : find(file, IMAGE)) {
        tags++;
        if (!version.equals(hit.match().group(2))) {
          wrong.add(
              hit.fix(
                  hit.match().group(0),
                  "ghcr.io/kiln-dev/" + hit.match().group(1) + ":" + version));
        }
      }
    }
    assertThat(tags).as("Kiln image tags found in " + files).isGreaterThanOrEqualTo(10);
    assertThat(wrong).withFailMessage(message(wrong)).isEmpty();
  }

  private String message(List<String> wrong) {
    return "kiln.version in pom.xml is "
        + version
        + ", but these files say otherwise (commands run from the repository root):\n  "
        + String.join("\n  ", wrong);
  }

  /** One match of a pattern, with where it stands. */
  private record Hit(Path file, int line, MatchResult match) {
    String fix(String found, String wanted) {
      String path = ROOT.relativize(file).toString();
      return path
          + ":"
          + line
          + ": "
          + found
          + "; fix: sed -i 's|"
          + found
          + "|"
          + wanted
          + "|' "
          + path;
    }
  }

  private static List<Hit> find(Path file, Pattern pattern) throws IOException {
    List<Hit> hits = new ArrayList<>();
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = pattern.matcher(lines.get(i));
      while (m.find()) {
        hits.add(new Hit(file, i + 1, m.toMatchResult()));
      }
    }
    return hits;
  }

  /** The files under {@code dir} whose names end in one of {@code endings}, build output aside. */
  private static List<Path> files(Path dir, String... endings) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(Files::isRegularFile)
          .filter(f -> !f.toString().contains("/target/"))
          .filter(f -> Stream.of(endings).anyMatch(e -> f.getFileName().toString().endsWith(e)))
          .sorted()
          .toList();
    }
  }
}
