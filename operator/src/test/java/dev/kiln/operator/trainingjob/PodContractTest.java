package dev.kiln.operator.trainingjob;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How a hyperparameter's name becomes the environment variable the trainer reads. */
class PodContractTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "learning_rate, KILN_HP_LEARNING_RATE",
    "learningRate, KILN_HP_LEARNING_RATE",
    "learning-rate, KILN_HP_LEARNING_RATE",
    "lr.decay, KILN_HP_LR_DECAY",
    "epochs, KILN_HP_EPOCHS",
    "batchSize2, KILN_HP_BATCH_SIZE2",
    "layer2Dropout, KILN_HP_LAYER2_DROPOUT",
  })
  void hyperparameterEnvName(String hyperparameter, String expected) {
    assertThat(PodContract.hyperparameterEnvName(hyperparameter)).isEqualTo(expected);
  }
}
