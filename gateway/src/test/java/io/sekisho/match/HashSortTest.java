package io.sekisho.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class HashSortTest {

    @Test
    void sortsAsArraysSortDoes() {
        Random random = new Random(5);
        for (int n : new int[] {0, 1, 2, 511, 512, 513, 1_000, 25_000, 100_003}) {
            long[] values = new long[n];
            for (int i = 0; i < n; i++) {
                // Extremes, duplicates and both signs among evenly spread values.
                values[i] = switch (random.nextInt(20)) {
                    case 0 -> Long.MIN_VALUE;
                    case 1 -> Long.MAX_VALUE;
                    case 2 -> i > 0 ? values[random.nextInt(i)] : 0;
                    default -> random.nextLong();
                };
            }
            assertSortedLikeArraysSort(values, n);
        }
    }

    /** Crafted text that crowds its hashes into one bucket must not make the sort quadratic. */
    @Test
    @Timeout(60) // insertion sort of this bucket would take many minutes; Arrays.sort, milliseconds
    void crowdedBucketsStillSort() {
        // Hashes that share their top bits all land in one bucket: that bucket goes to Arrays.sort.
        Random random = new Random(6);
        int n = 1_000_000;
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = 0x7FFF_0000_0000_0000L | (random.nextLong() >>> 20);
        }
        assertSortedLikeArraysSort(values, n);
    }

    @Test
    void sortsOnlyTheGivenPrefix() {
        long[] values = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
        HashSort.sort(values, 4);
        assertThat(values).containsExactly(6, 7, 8, 9, 5, 4, 3, 2, 1, 0);
    }

    private static void assertSortedLikeArraysSort(long[] values, int n) {
        long[] expected = values.clone();
        Arrays.sort(expected, 0, n);
        long[] actual = values.clone();
        HashSort.sort(actual, n);
        assertThat(actual).as("n=" + n).isEqualTo(expected);
    }
}
