package dev.kiln.operator.trainingjob;

import static dev.kiln.operator.trainingjob.TrainingJobFixtures.trainingJob;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.v1alpha1.TrainingJob;
import dev.kiln.api.v1alpha1.Validation;
import dev.kiln.operator.trainingjob.TrainingJobNames.Child;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The longest TrainingJob name follows from the names Kiln derives from it, and the CRD refuses
 * exactly the names that would overflow one of them.
 */
class TrainingJobNamesTest {
  @Test
  void theCrdsLimitIsTheOneTheChildrensNamesLeave() {
    assertThat(TrainingJobNames.MAX_NAME_LENGTH)
        .isEqualTo(Validation.MAX_TRAINING_JOB_NAME)
        .isEqualTo(55);
  }

  @Test
  void everyChildOfTheLongestNameIsAValidName() {
    TrainingJob tj = trainingJob("a".repeat(TrainingJobNames.MAX_NAME_LENGTH));
    for (Child child : Child.values()) {
      String name = TrainingJobNames.name(tj, child);
      assertThat(name.length()).as(name).isLessThanOrEqualTo(child.maxLength());
      assertThat(name)
          .as(name)
          .matches(
              child.maxLength() == Validation.MAX_NAME
                  ? Validation.DNS1123_LABEL
                  : Validation.DNS1123_SUBDOMAIN);
    }
    String lastWorkerHost =
        TrainingJobNames.name(tj, Child.JOB) + "-" + (Validation.MAX_WORKERS - 1);
    assertThat(lastWorkerHost.length()).isLessThanOrEqualTo(Validation.MAX_NAME);
  }

  @Test
  void oneCharacterMoreOverflowsAChildsName() {
    TrainingJob tj = trainingJob("a".repeat(TrainingJobNames.MAX_NAME_LENGTH + 1));
    assertThat(Arrays.stream(Child.values()))
        .anySatisfy(
            child ->
                assertThat(TrainingJobNames.name(tj, child).length())
                    .isGreaterThan(child.maxLength()));
  }
}
