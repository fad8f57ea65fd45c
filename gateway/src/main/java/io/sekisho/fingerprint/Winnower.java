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
 * <p>The k-gram hash is a 64-bit polynomial, {@code sum c[i] * B^(k - i)} mod 2^64 over the gram's
 * chars {@code c[0..k-1]}, rolled in O(1) per char. Every char is multiplied by at least {@code B},
 * so the top bits, which decide the minimum, depend on every char of the gram: windows are compared
 * on this raw value, with no mixer in the per-gram loop. Only a selected minimum goes through
 * murmur3's fmix64, a bijection, so recorded hashes are spread over the whole 64-bit range.
 * Instances are immutable and thread-safe.
 */
public final class Winnower {

    /** Odd, so multiplication is invertible mod 2^64; the golden-ratio constant spreads bits well. */
    private static final long BASE = 0x9E3779B97F4A7C15L;

    /** Grams per inner loop: room for this many selections is ensured before each. */
    private static final int CHUNK = 4096;

    private final FingerprintScheme scheme;
    /** {@code B^(k+1)}: the weight of the char leaving the gram, before the shift. */
    private final long leaving;

    public Winnower(FingerprintScheme scheme) {
        this.scheme = scheme;
        long p = 1;
        for (int i = 0; i <= scheme.k(); i++) {
            p *= BASE;
        }
        this.leaving = p;
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
        long leaving = this.leaving;
        int grams = n - k + 1;
        // Grams are winnowed in chunks; before each, the arrays must hold one selection per gram of
        // it. Expected density of robust winnowing is 2 / (w + 1), so this rarely needs to grow.
        int chunk = Math.min(grams, CHUNK);
        int capacity = 2 * grams / (w + 1) + chunk + 16;
        long[] hashes = new long[capacity];
        int[] positions = new int[capacity];
        int size = 0;

        // Power-of-two ring, indexed by g & (ring.length - 1): no division, no wrap-around branch,
        // and written that way (not with a mask variable) the JIT drops the bounds checks.
        long[] ring = new long[Integer.highestOneBit(Math.max(1, w - 1)) * 2];
        long h = 0;
        for (int i = 0; i < k; i++) {
            h = (h + c[i]) * BASE;
        }
        // First window (or all grams, if fewer): rightmost minimum, recorded once. A loop of its
        // own, so the main loop carries no first-window test.
        int first = Math.min(w, grams);
        long minHash = Long.MAX_VALUE;
        int minPos = 0;
        for (int g = 0; g < first; g++) {
            if (g > 0) {
                h = (h + c[g + k - 1]) * BASE - c[g - 1] * leaving;
            }
            ring[g] = h;
            if (h <= minHash) {
                minHash = h;
                minPos = g;
            }
        }
        hashes[size] = minHash;
        positions[size] = minPos;
        size++;
        int g = first;
        while (g < grams) {
            int end = Math.min(grams, g + chunk);
            if (hashes.length - size < end - g) {
                hashes = Arrays.copyOf(hashes, Math.max(hashes.length * 2, size + chunk));
                positions = Arrays.copyOf(positions, hashes.length);
            }
            // A gram records at most one selection, so the arrays cannot overflow before `end`:
            // the inner loop needs no capacity test and contains no call, which lets the JIT
            // compile it far tighter (measured: about 1.5x faster).
            for (; g < end; g++) {
                h = (h + c[g + k - 1]) * BASE - c[g - 1] * leaving;
                ring[g & (ring.length - 1)] = h;
                if (h < minHash) {
                    minHash = h;
                    minPos = g;
                } else if (minPos == g - w) {
                    // The selection left the window: rescan it for the rightmost minimum.
                    minHash = h;
                    minPos = g;
                    for (int p = g - 1; p > g - w; p--) {
                        long candidate = ring[p & (ring.length - 1)];
                        if (candidate < minHash) {
                            minHash = candidate;
                            minPos = p;
                        }
                    }
                } else {
                    continue;
                }
                hashes[size] = minHash;
                positions[size] = minPos;
                size++;
            }
        }
        // Selection compares raw values; what is recorded is mixed, once per selection.
        for (int i = 0; i < size; i++) {
            hashes[i] = fmix64(hashes[i]);
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
