package io.sekisho.fingerprint;

/**
 * The fingerprints of one normalised text, in position order: each a 64-bit hash of the k-gram
 * starting at {@link #position(int)} (a normalised offset). The same hash may occur more than once
 * when the text repeats itself.
 */
public final class Fingerprints {

    private final long[] hashes;
    private final int[] positions;
    private final int size;
    private final int normalizedLength;

    Fingerprints(long[] hashes, int[] positions, int size, int normalizedLength) {
        this.hashes = hashes;
        this.positions = positions;
        this.size = size;
        this.normalizedLength = normalizedLength;
    }

    public int size() {
        return size;
    }

    public long hash(int i) {
        checkIndex(i);
        return hashes[i];
    }

    /** Normalised offset where the k-gram of fingerprint {@code i} starts. */
    public int position(int i) {
        checkIndex(i);
        return positions[i];
    }

    /** Length of the normalised text these fingerprints were taken from. */
    public int normalizedLength() {
        return normalizedLength;
    }

    /** The distinct hashes, sorted ascending (signed order); a fresh array. */
    public long[] distinctHashes() {
        long[] sorted = java.util.Arrays.copyOf(hashes, size);
        java.util.Arrays.sort(sorted);
        int distinct = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (distinct == 0 || sorted[distinct - 1] != sorted[i]) {
                sorted[distinct++] = sorted[i];
            }
        }
        return java.util.Arrays.copyOf(sorted, distinct);
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("index " + i + ", size " + size);
        }
    }
}
