package dev.kiln.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testkit.crd.CrdValidator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The port pairs a user may write are admitted; the clashes are in the invalid/ corpus
 * (ms-grpc-port-*, ms-port-on-default-grpc-port).
 */
class GrpcPortAdmissionTest {
  private static final CrdValidator VALIDATOR = CrdValidator.kiln();

  private static String modelServer(String fields) {
    return """
        apiVersion: kiln.dev/v1alpha1
        kind: ModelServer
        metadata:
          name: iris
        spec:
          model:
            trainingJobRef:
              name: iris
        """
        + fields.indent(2);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "grpcPort: 9001",
        "port: 9000\ngrpcPort: 9001",
        "port: 8081\ngrpcPort: 8082",
        "port: 8082",
        // A custom image has no gRPC port unless it names one, so 8081 is free for HTTP.
        "image: registry.example/my-server:1\nport: 8081",
        "image: registry.example/my-server:1\ngrpcPort: 50051"
      })
  void distinctPortsAreAdmitted(String fields) {
    assertThat(VALIDATOR.validate(modelServer(fields))).isEmpty();
  }
}
