package dev.kiln.trainer;

import java.util.Arrays;
import java.util.Random;

/**
 * The rows used for training and the rows held out for testing: a shuffle from the seed, the first
 * {@code testFraction} of it held out (at least one row each way), so the same seed and data give
 * the same split in every attempt.
 */
// Working data for the numeric loops, never compared: arrays need no value semantics here.
@SuppressWarnings("ArrayRecordComponent")
record Split(int[] train, int[] test) {
  static Split of(int rows, long seed, double testFraction) {
    int[] order = new int[rows];
    for (int i = 0; i < rows; i++) {
      order[i] = i;
    }
    shuffle(order, new Random(seed));
    int testRows = Math.max(1, Math.min(rows - 1, (int) Math.round(rows * testFraction)));
    return new Split(
        Arrays.copyOfRange(order, testRows, rows), Arrays.copyOfRange(order, 0, testRows));
  }

  /** Fisher-Yates, in place. */
  static void shuffle(int[] a, Random random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
