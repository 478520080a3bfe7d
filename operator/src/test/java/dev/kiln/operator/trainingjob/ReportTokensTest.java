package dev.kiln.operator.trainingjob;

import static dev.kiln.operator.trainingjob.TrainingJobFixtures.NAMESPACE;
import static dev.kiln.operator.trainingjob.TrainingJobFixtures.UID;
import static dev.kiln.operator.trainingjob.TrainingJobFixtures.trainingJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.kiln.operator.trainingjob.ReportTokens.Identity;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Per-job report tokens: what the endpoint accepts and what it rejects. */
class ReportTokensTest {
  private static final byte[] KEY =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final Identity MNIST = new Identity("ml-team", "mnist", "uid-1");

  private final ReportTokens tokens = new ReportTokens(KEY);

  @Test
  void theSameJobAlwaysGetsTheSameToken() {
    assertThat(tokens.tokenFor(MNIST)).isEqualTo(tokens.tokenFor(MNIST));
    assertThat(new ReportTokens(KEY.clone()).tokenFor(MNIST)).isEqualTo(tokens.tokenFor(MNIST));
  }

  @Test
  void theTokenOfATrainingJobIsThatOfItsNamespaceNameAndUid() {
    assertThat(tokens.tokenFor(trainingJob("mnist")))
        .isEqualTo(tokens.tokenFor(new Identity(NAMESPACE, "mnist", UID)));
  }

  @Test
  void anyDifferenceInNamespaceNameOrUidGivesAnotherToken() {
    String token = tokens.tokenFor(MNIST);

    assertThat(tokens.tokenFor(new Identity("other-team", "mnist", "uid-1"))).isNotEqualTo(token);
    assertThat(tokens.tokenFor(new Identity("ml-team", "mnist2", "uid-1"))).isNotEqualTo(token);
    assertThat(tokens.tokenFor(new Identity("ml-team", "mnist", "uid-2")))
        .as("a re-created job with the same name")
        .isNotEqualTo(token);
  }

  @Test
  void anotherKeyGivesAnotherToken() {
    byte[] other = KEY.clone();
    other[0] ^= 1;

    assertThat(new ReportTokens(other).tokenFor(MNIST)).isNotEqualTo(tokens.tokenFor(MNIST));
  }

  @Test
  void aGenuineTokenVerifiesAsItsJob() {
    assertThat(tokens.verify(tokens.tokenFor(MNIST))).hasValue(MNIST);
  }

  @Test
  void aTokenSignedWithAnotherKeyIsRejected() {
    byte[] other = KEY.clone();
    other[31] ^= 1;

    assertThat(tokens.verify(new ReportTokens(other).tokenFor(MNIST))).isEmpty();
  }

  @Test
  void aTokenWhoseIdentityWasSwappedIsRejected() {
    String mine = tokens.tokenFor(MNIST);
    String theirs = tokens.tokenFor(new Identity("ml-team", "other", "uid-9"));
    String[] m = mine.split("\\.", -1);
    String[] t = theirs.split("\\.", -1);

    assertThat(tokens.verify(m[0] + "." + t[1] + "." + m[2])).isEmpty();
  }

  @Test
  void tamperedTruncatedOrMalformedTokensAreRejected() {
    String token = tokens.tokenFor(MNIST);
    char last = token.charAt(token.length() - 1);
    String tampered = token.substring(0, token.length() - 1) + (last == '0' ? '1' : '0');

    assertThat(tokens.verify(tampered)).isEmpty();
    assertThat(tokens.verify(token.substring(0, token.length() - 1))).isEmpty();
    assertThat(tokens.verify(token + "0")).isEmpty();
    assertThat(tokens.verify("v2" + token.substring(2))).isEmpty();
    assertThat(tokens.verify("")).isEmpty();
    assertThat(tokens.verify("not-a-token")).isEmpty();
    assertThat(tokens.verify(null)).isEmpty();
  }

  @Test
  void aKeyShorterThan32BytesIsRejected() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ReportTokens(Arrays.copyOf(KEY, 31)))
        .withMessageContaining("32 bytes");
  }

  @Test
  void changingTheCallersKeyArrayAfterwardsChangesNothing() {
    byte[] key = KEY.clone();
    ReportTokens mine = new ReportTokens(key);
    String before = mine.tokenFor(MNIST);

    Arrays.fill(key, (byte) 0);

    assertThat(mine.tokenFor(MNIST)).isEqualTo(before);
  }
}
