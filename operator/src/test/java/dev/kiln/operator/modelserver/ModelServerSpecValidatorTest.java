package dev.kiln.operator.modelserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerSpec;
import dev.kiln.api.v1alpha1.ModelSource;
import dev.kiln.api.v1alpha1.PodOverrides;
import dev.kiln.api.v1alpha1.ServerHealth;
import dev.kiln.api.v1alpha1.Unreadable;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelServerSpecValidatorTest {

  private static ModelServer latest(String operator, String... values) {
    ModelServer ms = new ModelServer();
    ms.setMetadata(new ObjectMetaBuilder().withName("iris").withNamespace("team-a").build());
    ModelSource source = new ModelSource();
    source.setLatest(
        new ModelSource.Latest(
            new LabelSelectorBuilder()
                .addNewMatchExpression()
                .withKey("team")
                .withOperator(operator)
                .withValues(values)
                .endMatchExpression()
                .build()));
    ModelServerSpec spec = new ModelServerSpec();
    spec.setModel(source);
    ms.setSpec(spec);
    return ms;
  }

  @Test
  void anUnreadableIsItsOneProblemNotTheEmptySpecsMissingModel() {
    ModelServer ms = new ModelServer();
    ms.setMetadata(new ObjectMetaBuilder().withName("iris").withNamespace("team-a").build());
    ModelServerSpec spec = new ModelServerSpec();
    spec.setUnreadable(
        new Unreadable(
            "spec.replicas: Invalid value: \"two\": must be an integer",
            Map.of("replicas", "two")));
    ms.setSpec(spec);

    assertThat(ModelServerSpecValidator.problems(ms))
        .containsExactly("spec.replicas: Invalid value: \"two\": must be an integer");
  }

  @Test
  void aSelectorWithAKnownOperatorIsValid() {
    assertThat(ModelServerSpecValidator.problems(latest("In", "a"))).isEmpty();
    assertThat(ModelServerSpecValidator.problems(latest("Exists"))).isEmpty();
  }

  @Test
  void aBogusSelectorOperatorIsRefusedNamingTheField() {
    assertThat(ModelServerSpecValidator.problems(latest("Bogus", "a")))
        .containsExactly(
            "spec.model.latest.selector.matchExpressions[0].operator: Unsupported value:"
                + " \"Bogus\": supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\"");
  }

  @Test
  void valuesMustMatchTheOperator() {
    assertThat(ModelServerSpecValidator.problems(latest("In")))
        .containsExactly(
            "spec.model.latest.selector.matchExpressions[0].values: Required value: must be"
                + " specified for In and NotIn");
    assertThat(ModelServerSpecValidator.problems(latest("DoesNotExist", "a")))
        .containsExactly(
            "spec.model.latest.selector.matchExpressions[0].values: Forbidden: must be empty for"
                + " Exists and DoesNotExist");
  }

  @Test
  void theGrpcPortMustBeInRangeAndNotTheHttpPort() {
    ModelServer ms = latest("Exists");
    ms.getSpec().setGrpcPort(8080);
    assertThat(ModelServerSpecValidator.problems(ms))
        .containsExactly("spec.grpcPort must differ from spec.port");
    ms.getSpec().setGrpcPort(70000);
    assertThat(ModelServerSpecValidator.problems(ms))
        .containsExactly("spec.grpcPort must be 1-65535");
    ms.getSpec().setGrpcPort(9001);
    assertThat(ModelServerSpecValidator.problems(ms)).isEmpty();
  }

  @Test
  void theHttpPortMayNotTakeTheReferenceServersDefaultGrpcPort() {
    ModelServer ms = latest("Exists");
    ms.getSpec().setPort(8081);
    assertThat(ModelServerSpecValidator.problems(ms))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("spec.port 8081 is the reference server's gRPC"));
    ms.getSpec().setGrpcPort(8082);
    assertThat(ModelServerSpecValidator.problems(ms)).isEmpty();
    ms.getSpec().setGrpcPort(null);
    ms.getSpec().setImage("registry.example/my-server:1");
    assertThat(ModelServerSpecValidator.problems(ms))
        .as("a custom image has no gRPC port")
        .isEmpty();
  }

  @Test
  void podOverridesAndHealthAreCheckedNamingTheField() {
    ModelServer ms = latest("Exists");
    ms.getSpec()
        .setPod(
            PodOverrides.builder()
                .volumes(
                    List.of(
                        new VolumeBuilder()
                            .withName("model")
                            .withNewEmptyDir()
                            .endEmptyDir()
                            .build()))
                .build());
    ms.getSpec().setHealth(new ServerHealth("health", null));

    assertThat(ModelServerSpecValidator.problems(ms))
        .anySatisfy(p -> assertThat(p).startsWith("spec.pod.volumes[0].name: 'model' is the name"))
        .anySatisfy(p -> assertThat(p).startsWith("spec.health: applies only to a custom server"))
        .anySatisfy(
            p ->
                assertThat(p).startsWith("spec.health.readinessPath: 'health' must be an absolute"))
        .hasSize(3);
    ms.getSpec().setImage("registry.example/ml/fastapi-server:1");
    ms.getSpec().setHealth(new ServerHealth("/ready", "/health"));
    ms.getSpec().setPod(null);
    assertThat(ModelServerSpecValidator.problems(ms)).isEmpty();
  }
}
