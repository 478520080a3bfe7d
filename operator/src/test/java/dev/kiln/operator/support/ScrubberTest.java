package dev.kiln.operator.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScrubberTest {
  @Test
  void uriUserinfoIsRemovedAndTheHostKept() {
    assertThat(Scrubber.scrub("GET https://alice:hunter2@data.example/iris.csv failed"))
        .isEqualTo("GET https://[redacted]data.example/iris.csv failed")
        .doesNotContain("hunter2");
  }

  @Test
  void keyValuePairsLoseTheirValue() {
    assertThat(Scrubber.scrub("password=hunter2 token: abc123, client_secret=\"s3 cr3t\""))
        .isEqualTo("password=[redacted] token: [redacted], client_secret=[redacted]");
    assertThat(Scrubber.scrub("{\"api_key\": \"k-123\"}")).doesNotContain("k-123");
  }

  @Test
  void bearerTokens() {
    assertThat(Scrubber.scrub("Authorization: Bearer eyJhbGciOi.J9x-_y"))
        .isEqualTo("Authorization: Bearer [redacted]");
  }

  @Test
  void awsAccessKeyIds() {
    assertThat(Scrubber.scrub("key AKIAIOSFODNN7EXAMPLE denied"))
        .isEqualTo("key [redacted] denied");
  }

  @Test
  void privateKeyBlocksAlsoWhenCutOff() {
    String block =
        "before -----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- after";
    assertThat(Scrubber.scrub(block)).isEqualTo("before [redacted] after");
    assertThat(Scrubber.scrub("x -----BEGIN PRIVATE KEY-----\nMIIEv")).isEqualTo("x [redacted]");
  }

  @Test
  void ordinaryTextStaysAsItIs() {
    String text = "error: cannot load /kiln/model-store/iris/model.onnx (exit code 3)";
    assertThat(Scrubber.scrub(text)).isEqualTo(text);
    assertThat(Scrubber.scrub(null)).isNull();
  }
}
