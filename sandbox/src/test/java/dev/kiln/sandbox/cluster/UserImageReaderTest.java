package dev.kiln.sandbox.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserImageReaderTest {
  @TempDir Path context;

  private LocalImage read(String name, String dockerfile) throws Exception {
    Files.writeString(context.resolve("Dockerfile"), dockerfile);
    return UserImageReader.read(name, context);
  }

  @Test
  void aTypicalPythonImageRunsItsCmdFromTheContextCopiedToItsWorkdir() throws Exception {
    LocalImage image =
        read(
            "registry.example/team/train:1",
            """
            FROM python:3.11-slim
            WORKDIR /app
            COPY requirements.txt .
            RUN pip install --no-cache-dir -r requirements.txt
            COPY . .
            ENV PYTHONUNBUFFERED=1 DATASET="/kiln/data/iris features.csv"
            ENV LEGACY some value
            USER 65532:65532
            CMD ["python", "train.py"]
            """);
    assertThat(image.reference()).isEqualTo("registry.example/team/train:1");
    assertThat(image.workdir()).isEqualTo(context);
    assertThat(image.paths()).containsEntry("/app", context);
    assertThat(image.env())
        .containsEntry("PYTHONUNBUFFERED", "1")
        .containsEntry("DATASET", "/kiln/data/iris features.csv")
        .containsEntry("LEGACY", "some value");
    assertThat(image.user()).isEqualTo("65532:65532");
    assertThat(image.entrypoint()).isEmpty();
    assertThat(image.cmd()).containsExactly("python", "train.py");
    assertThat(image.launcher()).isEqualTo(LocalImage.Launcher.PYTHON);
  }

  @Test
  void theShellFormRunsWithBinShAndNoUserMeansNone() throws Exception {
    LocalImage image =
        read("train", "FROM pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime\nCMD python train.py\n");
    assertThat(image.cmd()).containsExactly("/bin/sh", "-c", "python train.py");
    assertThat(image.user()).as("the image runs as root").isNull();
    assertThat(image.version()).isNull();
  }

  @Test
  void aSubfolderCopiedToTheWorkdirIsTheWorkingDirectoryAndArgsAndEnvExpand() throws Exception {
    Files.createDirectories(context.resolve("src"));
    LocalImage image =
        read(
            "serve:2",
            """
            ARG APP_HOME=/srv/app
            FROM python:3.11-slim AS base
            ARG APP_HOME
            WORKDIR ${APP_HOME}
            COPY --chown=app:app src/ ./
            COPY --from=builder /wheels /wheels
            ENV HOME_DIR=$APP_HOME PORT=${PORT:-8080}
            FROM base
            USER app
            ENTRYPOINT ["uvicorn", "app:app"]
            """);
    assertThat(image.workdir()).isEqualTo(context.resolve("src"));
    assertThat(image.paths())
        .containsEntry("/srv/app", context.resolve("src"))
        .doesNotContainKey("/wheels");
    assertThat(image.env()).containsEntry("HOME_DIR", "/srv/app").containsEntry("PORT", "8080");
    assertThat(image.user()).as("kept from the stage it starts from").isEqualTo("app");
    assertThat(image.entrypoint()).containsExactly("uvicorn", "app:app");
  }

  @Test
  void onlyTheFinalStageCounts() throws Exception {
    LocalImage image =
        read(
            "x",
            """
            FROM python:3.11 AS build
            USER 1000
            CMD ["python", "build.py"]
            FROM python:3.11-slim
            COPY train.py /opt/job/train.py
            CMD ["python", "/opt/job/train.py"]
            """);
    assertThat(image.user()).isNull();
    assertThat(image.cmd()).containsExactly("python", "/opt/job/train.py");
    assertThat(image.paths()).containsEntry("/opt/job", context);
    assertThat(image.workdir()).as("no WORKDIR: the context").isEqualTo(context);
  }

  @Test
  void anImageIsFoundByItsNameFromAnyRegistryAndByTagWhenItHasOne() throws Exception {
    LocalImage any = read("sklearn-train", "FROM python:3.11\n");
    assertThat(any.matches("registry.example/kiln-examples/sklearn-train:1")).isTrue();
    assertThat(any.matches("sklearn-train")).isTrue();
    assertThat(any.matches("registry.example/kiln-examples/sklearn-trainer:1")).isFalse();
    LocalImage tagged = read("registry.example/team/train:1", "FROM python:3.11\n");
    assertThat(tagged.matches("registry.example/team/train:1")).isTrue();
    assertThat(tagged.matches("registry.example/team/train:2")).isFalse();
    assertThat(tagged.matches("other.example/team/train:1")).isFalse();
  }

  @Test
  void aFolderWithoutADockerfileOrABrokenCommandIsExplained() throws Exception {
    assertThatThrownBy(() -> UserImageReader.read("x", context.resolve("nope")))
        .hasMessageStartingWith("no such folder: ");
    assertThatThrownBy(() -> UserImageReader.read("x", context))
        .hasMessage("no Dockerfile in " + context);
    assertThatThrownBy(() -> read("x", "FROM python:3.11\nCMD [\"python\", train.py]\n"))
        .hasMessageContaining("CMD is neither a JSON array nor a shell command");
  }
}
