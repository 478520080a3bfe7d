package dev.kiln.operator.modelserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.ModelServer;
import dev.kiln.operator.modelserver.ModelServerStatusCalculator.Observed;
import dev.kiln.operator.modelserver.ModelServerStatusCalculator.Outcome;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever the Deployment and its pods say, the status calculator returns a status. */
class ModelServerStatusPropertiesTest {
  private static final Instant T0 = ModelServerStatusCalculatorTest.T0;
  private final ModelServerStatusCalculator calculator =
      new ModelServerStatusCalculatorTest().calculator;

  @Property(tries = 300)
  void neverThrowsAndAsksForAWaitThatFitsInMillis(
      @ForAll("resolutions") ModelResolution resolution,
      @ForAll("deployments") Deployment deployment,
      @ForAll("pods") List<Pod> pods,
      @ForAll("offsets") long nowOffset) {
    ModelServer ms = ModelServers.fromJob("iris", "iris");
    Instant now = T0.plusSeconds(nowOffset);
    Outcome outcome =
        calculator.calculate(
            new Observed(
                ms,
                List.of(),
                resolution,
                deployment,
                deployment != null,
                deployment == null ? List.of() : pods,
                now));
    assertThat(outcome.status().getPhase()).isNotNull();
    outcome.recheckAfter().ifPresent(wait -> assertThat(wait.toMillis()).isPositive());
  }

  @Provide
  Arbitrary<ModelResolution> resolutions() {
    return Arbitraries.of(
        ModelServerStatusCalculatorTest.RESOLVED,
        ModelServerStatusCalculatorTest.NOT_FOUND,
        ModelServerStatusCalculatorTest.JOB_FAILED);
  }

  @Provide
  Arbitrary<Long> offsets() {
    return Arbitraries.longs().between(-10_000_000_000L, 10_000_000_000L);
  }

  @Provide
  Arbitrary<Deployment> deployments() {
    Arbitrary<Integer> counts = Arbitraries.integers().between(-1, 1000);
    Arbitrary<Long> generations = Arbitraries.longs().between(-1, 10);
    return Combinators.combine(counts, generations, generations, counts, counts)
        .as(ModelServerStatusCalculatorTest::deployment)
        .injectNull(0.1);
  }

  @Provide
  Arbitrary<List<Pod>> pods() {
    Arbitrary<ContainerStatus> states =
        Arbitraries.oneOf(
            Arbitraries.of(true, false).map(ModelServerStatusCalculatorTest::running),
            Arbitraries.of("CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "Other")
                .map(r -> ModelServerStatusCalculatorTest.waiting("server", r, 1, "Error")));
    Arbitrary<Pod> pod =
        Combinators.combine(states, Arbitraries.of(true, false), Arbitraries.integers())
            .as(
                (state, ready, n) ->
                    ModelServerStatusCalculatorTest.pod(
                        "p" + n,
                        ModelServerStatusCalculatorTest.deployment(1, 1, 1, 1, 1),
                        state,
                        ready));
    return Arbitraries.oneOf(
        pod.list().ofMaxSize(4),
        Arbitraries.just(List.of(ModelServerStatusCalculatorTest.oldPod("old"))));
  }
}
