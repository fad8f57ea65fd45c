package io.sekisho.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;

import io.sekisho.testing.TextGen;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The k-gram hash and the winnowing as docs/fingerprints.md defines them, evaluated directly (each
 * gram's polynomial summed from scratch, each window scanned whole) against the rolling, single-pass
 * {@link Winnower}; and how rarely two different grams share a hash.
 */
class HashDefinitionProperties {

    /** The base of the polynomial, as documented. */
    private static final long B = 0x9E3779B97F4A7C15L;

    @Property(tries = 300)
    void winnowerEqualsTheDefinition(@ForAll long seed) {
        Random random = new Random(seed);
        // Tiny alphabets make equal grams, so the tie rules (keep the previous choice, else the
        // rightmost minimum) are exercised as well as the hash.
        int alphabet = 1 + random.nextInt(random.nextBoolean() ? 3 : 3000);
        char from = random.nextBoolean() ? 'a' : '\u4E00';
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(1500);
        for (int i = 0; i < length; i++) {
            text.append((char) (from + random.nextInt(alphabet)));
        }
        FingerprintScheme[] schemes = {FingerprintScheme.DEFAULT, new FingerprintScheme(1 + random.nextInt(8),
                1 + random.nextInt(20))};
        for (FingerprintScheme scheme : schemes) {
            NormalizedText normalized = TextNormalizer.normalize(text);
            Fingerprints actual = new Winnower(scheme).fingerprint(normalized);
            List<long[]> expected = definition(normalized.toString(), scheme.k(), scheme.window());
            assertThat(actual.size()).as("%s, %d chars", scheme, length).isEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertThat(actual.hash(i)).as("hash %d", i).isEqualTo(expected.get(i)[0]);
                assertThat(actual.position(i)).as("position %d", i).isEqualTo((int) expected.get(i)[1]);
            }
        }
    }

    /**
     * Two grams that differ in one char never share a hash (d * B^e is never 0 mod 2^64 for an odd
     * B and 0 < |d| < 2^16). Two grams that differ in two chars, at exponents e1 < e2, collide only
     * if d1 = -d2 * B^(e2 - e1) mod 2^64 for some char differences d1, d2: checked here for every
     * gap and every d2, so no such pair exists at all, whatever the text.
     */
    @Test
    void gramsDifferingInOneOrTwoCharsNeverShareAHash() {
        int k = FingerprintScheme.DEFAULT.k();
        long power = 1;
        int found = 0;
        for (int gap = 1; gap < k; gap++) {
            power *= B;
            for (long d2 = 1; d2 <= 0xFFFF; d2++) {
                long d1 = -(d2 * power); // the d1 that would cancel d2 at this gap
                if (d1 >= -0xFFFF && d1 <= 0xFFFF) {
                    found++;
                }
            }
        }
        assertThat(found).isZero();
    }

    /**
     * About a million fingerprints of prose, Japanese and random letters; each hash remembers a
     * second, independent hash of its gram. With all 64 bits kept the expected number of
     * collisions is about 3 * 10^-8; a 32-bit hash would show about a hundred.
     */
    @Test
    void noTwoDifferentGramsShareAHashInALargeCorpus() {
        Winnower winnower = new Winnower(FingerprintScheme.DEFAULT);
        int k = FingerprintScheme.DEFAULT.k();
        LongLongTable seen = new LongLongTable(1 << 21);
        Random random = new Random(20261126);
        int collisions = 0;
        for (int document = 0; seen.size < 1_000_000; document++) {
            String text = switch (document % 3) {
                case 0 -> TextGen.latin(random, 200_000);
                case 1 -> TextGen.japanese(random, 60_000);
                default -> randomLetters(random, 200_000);
            };
            NormalizedText normalized = TextNormalizer.normalize(text);
            Fingerprints f = winnower.fingerprint(normalized);
            for (int i = 0; i < f.size(); i++) {
                long other = secondHash(normalized.chars, f.position(i), k);
                long previous = seen.putIfAbsent(f.hash(i), other);
                if (previous != LongLongTable.ABSENT && previous != other) {
                    collisions++;
                }
            }
        }
        assertThat(collisions).isZero();
    }

    /** Robust winnowing, one window at a time, over hashes computed one gram at a time. */
    private static List<long[]> definition(String text, int k, int w) {
        List<long[]> out = new ArrayList<>();
        int grams = text.length() - k + 1;
        if (grams <= 0) {
            return out;
        }
        long[] weight = new long[k]; // weight[i] = B^(k - i)
        long power = 1;
        for (int i = k - 1; i >= 0; i--) {
            power *= B;
            weight[i] = power;
        }
        long[] h = new long[grams];
        for (int g = 0; g < grams; g++) {
            long sum = 0;
            for (int i = 0; i < k; i++) {
                sum += text.charAt(g + i) * weight[i];
            }
            h[g] = sum;
        }
        int selected = -1;
        for (int end = Math.min(w, grams) - 1; end < grams; end++) {
            int start = Math.max(0, end - w + 1);
            long min = Long.MAX_VALUE;
            for (int p = start; p <= end; p++) {
                min = Math.min(min, h[p]);
            }
            if (selected >= start && h[selected] == min) {
                continue;
            }
            for (int p = end; p >= start; p--) {
                if (h[p] == min) {
                    selected = p;
                    break;
                }
            }
            out.add(new long[] {Winnower.fmix64(h[selected]), selected});
        }
        return out;
    }

    private static String randomLetters(Random random, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }

    /** FNV-1a over the gram's chars: unrelated to the polynomial. */
    private static long secondHash(char[] chars, int from, int k) {
        long h = 0xcbf29ce484222325L;
        for (int i = from; i < from + k; i++) {
            h = (h ^ chars[i]) * 0x100000001b3L;
        }
        return h;
    }

    /** Open addressing, long to long: a million entries without boxing them. */
    private static final class LongLongTable {
        static final long ABSENT = Long.MIN_VALUE;
        final long[] keys;
        final long[] values;
        final boolean[] used;
        int size;

        LongLongTable(int capacity) {
            keys = new long[capacity];
            values = new long[capacity];
            used = new boolean[capacity];
        }

        long putIfAbsent(long key, long value) {
            int mask = keys.length - 1;
            for (int slot = (int) (key >>> 40) & mask; ; slot = (slot + 1) & mask) {
                if (!used[slot]) {
                    used[slot] = true;
                    keys[slot] = key;
                    values[slot] = value;
                    size++;
                    return ABSENT;
                }
                if (keys[slot] == key) {
                    return values[slot];
                }
            }
        }
    }
}
