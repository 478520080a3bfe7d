package dev.kiln.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The form in which Kiln shows a URI: never with a user or password. */
class StorageUriTest {
  @Test
  void userAndPasswordAreRedacted() {
    assertThat(StorageUri.redacted("https://bob:hunter2@models.example/iris.onnx"))
        .isEqualTo("https://[redacted]@models.example/iris.onnx");
    assertThat(StorageUri.redacted("s3://AKIAEXAMPLE:secret@bucket/x"))
        .isEqualTo("s3://[redacted]@bucket/x");
    assertThat(StorageUri.redacted("https://ghp_token@host")).isEqualTo("https://[redacted]@host");
  }

  @Test
  void aUriWithoutUserinfoIsShownAsGiven() {
    assertThat(StorageUri.redacted("pvc://models/iris/model.onnx"))
        .isEqualTo("pvc://models/iris/model.onnx");
    assertThat(StorageUri.redacted("https://host/a@b/model.onnx"))
        .isEqualTo("https://host/a@b/model.onnx");
    assertThat(StorageUri.redacted("https://host?owner=a@b.example"))
        .isEqualTo("https://host?owner=a@b.example");
    assertThat(StorageUri.redacted(null)).isNull();
  }
}
