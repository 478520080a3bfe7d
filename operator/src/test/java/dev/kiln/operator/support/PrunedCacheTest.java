package dev.kiln.operator.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import org.junit.jupiter.api.Test;

class PrunedCacheTest {
  private static Job job() {
    return new JobBuilder()
        .withNewMetadata()
        .withName("iris-1")
        .withNamespace("team-a")
        .withResourceVersion("7")
        .addToLabels("kiln.dev/trainingjob", "iris")
        .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").build())
        .endMetadata()
        .withNewSpec()
        .withSuspend(true)
        .withBackoffLimit(3)
        .withNewTemplate()
        .withNewSpec()
        .addNewContainer()
        .withName("trainer")
        .addNewEnv()
        .withName("KILN_HP_EPOCHS")
        .withValue("20")
        .endEnv()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .withNewStatus()
        .withActive(1)
        .endStatus()
        .build();
  }

  @Test
  void aCachedJobKeepsWhatTheStatusCalculatorReadsAndDropsItsTemplate() {
    PrunedCache<Job> cache = new PrunedCache<>(PrunedCache::job);
    Job full = job();
    cache.put("team-a/iris-1", full);
    Job cached = cache.get("team-a/iris-1");
    assertThat(cached.getMetadata().getName()).isEqualTo("iris-1");
    assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(cached.getMetadata().getLabels()).containsEntry("kiln.dev/trainingjob", "iris");
    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(cached.getSpec().getSuspend()).isTrue();
    assertThat(cached.getSpec().getTemplate()).isNull();
    assertThat(cached.getStatus().getActive()).isEqualTo(1);
    assertThat(full.getSpec().getTemplate())
        .as("the informer's own object is untouched")
        .isNotNull();
    assertThat(full.getMetadata().getManagedFields()).isNotEmpty();
  }

  @Test
  void aCachedPodKeepsItsMetadataAndStatusOnly() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("iris-1-abcde")
            .withNamespace("team-a")
            .withCreationTimestamp("2026-12-01T10:00:00Z")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("trainer")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .endStatus()
            .build();
    Pod cached = PrunedCache.pod(pod);
    assertThat(cached.getMetadata().getCreationTimestamp()).isEqualTo("2026-12-01T10:00:00Z");
    assertThat(cached.getStatus().getPhase()).isEqualTo("Running");
    assertThat(cached.getSpec().getContainers()).isEmpty();
    assertThat(new PrunedCache<Pod>(PrunedCache::pod).getKey(pod)).isEqualTo("team-a/iris-1-abcde");
  }
}
