package dev.kiln.operator.modelserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.api.v1alpha1.ModelServerSpec;
import dev.kiln.api.v1alpha1.ModelSource;
import dev.kiln.api.v1alpha1.PodOverrides;
import dev.kiln.api.v1alpha1.ServerHealth;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.List;
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
