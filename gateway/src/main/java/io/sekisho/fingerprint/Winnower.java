package io.sekisho.fingerprint;

import java.util.Arrays;

/**
 * Robust winnowing (Schleimer, Wilkerson, Aiken, "Winnowing: local algorithms for document
 * fingerprinting", SIGMOD 2003): hash every k-gram of the normalised text, and in each window of
 * {@code window} consecutive k-gram hashes select the minimum, recording it when the selection
 * changes. On ties the previous selection is kept while it is in the window, else the rightmost
 * minimum is taken, which keeps repetitive text ("aaaa...") from producing a fingerprint per gram.
 *
 * <p>Since every window records its minimum, two texts that share a passage spanning a whole window
 * ({@code window + k - 1} chars) record the same hash. Texts with at least {@code k} but fewer than
 * {@code window} k-grams get one fingerprint, the minimum of all their grams: better than nothing,
 * but without the guarantee. Texts shorter than {@code k} get none.
 *
 * <p>The k-gram hash is a 64-bit polynomial rolling hash (mod 2^64) passed through murmur3's fmix64,
 * because the raw polynomial's low bits are poorly distributed and the minimum must be random-like.
 * Instances are immutable and thread-safe.
 */
public final class Winnower {

    /** Odd, so multiplication is invertible mod 2^64; the golden-ratio constant spreads bits well. */
    private static final long BASE = 0x9E3779B97F4A7C15L;

    private final FingerprintScheme scheme;
    private final long basePowK;

    public Winnower(FingerprintScheme scheme) {
        this.scheme = scheme;
        long p = 1;
        for (int i = 0; i < scheme.k(); i++) {
            p *= BASE;
        }
        this.basePowK = p;
    }

    public FingerprintScheme scheme() {
        return scheme;
    }

    /** Normalises and fingerprints in one step, using the one chain catalogue and inspection share. */
    public Fingerprints fingerprint(CharSequence text) {
        return fingerprint(TextNormalizer.normalize(text));
    }

    public Fingerprints fingerprint(NormalizedText text) {
        int n = text.length;
        int k = scheme.k();
        int w = scheme.window();
        if (n < k) {
            return new Fingerprints(new long[0], new int[0], 0, n);
        }
        char[] c = text.chars;
        int grams = n - k + 1;
        // Expected density of robust winnowing is 2 / (w + 1); the slack avoids most regrowth.
        int capacity = 2 * grams / (w + 1) + 16;
        long[] hashes = new long[capacity];
        int[] positions = new int[capacity];
        int size = 0;

        // Power-of-two ring, indexed by g & mask: no division, no wrap-around branch.
        int mask = Integer.highestOneBit(Math.max(1, w - 1)) * 2 - 1;
        long[] ring = new long[mask + 1];
        long h = 0;
        for (int i = 0; i < k; i++) {
            h = h * BASE + c[i];
        }
        // First window (or all grams, if fewer): rightmost minimum, recorded once.
        int first = Math.min(w, grams);
        long minHash = Long.MAX_VALUE;
        int minPos = 0;
        for (int g = 0; g < first; g++) {
            if (g > 0) {
                h = h * BASE + c[g + k - 1] - c[g - 1] * basePowK;
            }
            long m = fmix64(h);
            ring[g] = m;
            if (m <= minHash) {
                minHash = m;
                minPos = g;
            }
        }
        hashes[0] = minHash;
        positions[0] = minPos;
        size = 1;
        for (int g = first; g < grams; g++) {
            h = h * BASE + c[g + k - 1] - c[g - 1] * basePowK;
            long m = fmix64(h);
            ring[g & mask] = m;
            if (m < minHash) {
                minHash = m;
                minPos = g;
            } else if (minPos == g - w) {
                // The selection left the window: rescan it for the rightmost minimum.
                minHash = m;
                minPos = g;
                for (int p = g - 1; p > g - w; p--) {
                    long candidate = ring[p & mask];
                    if (candidate < minHash) {
                        minHash = candidate;
                        minPos = p;
                    }
                }
            } else {
                continue;
            }
            if (size == hashes.length) {
                hashes = Arrays.copyOf(hashes, size * 2);
                positions = Arrays.copyOf(positions, size * 2);
            }
            hashes[size] = minHash;
            positions[size] = minPos;
            size++;
        }
        return new Fingerprints(hashes, positions, size, n);
    }

    /** murmur3's 64-bit finaliser. */
    static long fmix64(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
