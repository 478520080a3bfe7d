package dev.kiln.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class KubeProtobufTest {
  /** What kubectl 1.32 sends for {@code kubectl create namespace team-b}. */
  private static final String CREATE_NAMESPACE =
      "6b3873000a0f0a0276311209"
          + "4e616d657370616365121e0a160a067465616d2d6212001a0022002a00320038004200"
          + "12001a020a001a002200";

  private static byte[] field(int number, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(number << 3 | 2);
    out.write(value.length);
    out.writeBytes(value);
    return out.toByteArray();
  }

  private static byte[] field(int number, String value) {
    return field(number, value.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] envelope(String apiVersion, String kind, byte[] raw) {
    return concat(
        new byte[] {'k', '8', 's', 0},
        field(1, concat(field(1, apiVersion), field(2, kind))),
        field(2, raw));
  }

  @Test
  void kubectlsCreateNamespaceBecomesTheJsonTheStoreReads() {
    ObjectNode ns = KubeProtobuf.toJson(HexFormat.of().parseHex(CREATE_NAMESPACE));
    assertThat(ns.toString())
        .isEqualTo(
            "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"team-b\"}}");
  }

  @Test
  void aSecretKeepsItsDataLabelsAndType() {
    byte[] metadata =
        concat(
            field(1, "s3-credentials"),
            field(3, "team-a"),
            field(11, concat(field(1, "app"), field(2, "kiln"))));
    byte[] secret =
        concat(
            field(1, metadata),
            field(2, concat(field(1, "AWS_REGION"), field(2, "eu-west-1"))),
            field(3, "Opaque"),
            field(4, concat(field(1, "TOKEN"), field(2, "t"))));
    ObjectNode json = KubeProtobuf.toJson(envelope("v1", "Secret", secret));
    assertThat(json.path("metadata").path("name").asText()).isEqualTo("s3-credentials");
    assertThat(json.path("metadata").path("labels").path("app").asText()).isEqualTo("kiln");
    assertThat(json.path("data").path("AWS_REGION").asText())
        .as("bytes, base64 as in JSON")
        .isEqualTo("ZXUtd2VzdC0x");
    assertThat(json.path("stringData").path("TOKEN").asText()).isEqualTo("t");
    assertThat(json.path("type").asText()).isEqualTo("Opaque");
  }

  @Test
  void aKindItCannotReadIsRefusedSayingWhatToDo() {
    assertThatThrownBy(() -> KubeProtobuf.toJson(envelope("batch/v1", "Job", new byte[0])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not batch/v1 Job")
        .hasMessageContaining("kubectl apply -f");
    assertThatThrownBy(() -> KubeProtobuf.toJson("{}".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("not a Kubernetes protobuf message");
    assertThatThrownBy(() -> KubeProtobuf.toJson(HexFormat.of().parseHex("6b387300" + "0a0f0a02")))
        .hasMessageContaining("truncated");
  }
}
