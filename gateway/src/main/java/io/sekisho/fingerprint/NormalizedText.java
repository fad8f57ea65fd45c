package io.sekisho.fingerprint;

import java.util.Arrays;

/**
 * Text after {@link TextNormalizer}: only case-folded letters, digits and combining marks. Every
 * char can name the range of the original text that produced it, so a match found here can be
 * shown where it is in the original.
 */
public final class NormalizedText {

    // Package-private: the winnower reads chars directly instead of via charAt.
    final char[] chars;
    final int length;
    private final String source;
    // Points from which normalising again gives the rest, ascending: (normalised length so far << 32)
    // | source index.
    private final long[] checkpoints;

    NormalizedText(String source, char[] chars, int length, long[] checkpoints) {
        this.source = source;
        this.chars = chars;
        this.length = length;
        this.checkpoints = checkpoints;
    }

    public int length() {
        return length;
    }

    public char charAt(int i) {
        checkIndex(i);
        return chars[i];
    }

    /** Start (inclusive) of the original text range that produced normalised char {@code i}. */
    public int sourceStart(int i) {
        return (int) (range(i) >>> 32);
    }

    /** End (exclusive) of the original text range that produced normalised char {@code i}. */
    public int sourceEnd(int i) {
        return (int) range(i);
    }

    /**
     * Offsets are not stored per char (that would cost more than normalising): they are found again
     * from the last checkpoint at or before {@code i}, a few thousand source chars at most.
     */
    private long range(int i) {
        checkIndex(i);
        // The last checkpoint whose output length is at most i: source indexes never reach
        // 0xFFFFFFFF, so the key is never found and the insertion point lies just after it.
        int at = -Arrays.binarySearch(checkpoints, ((long) i << 32) | 0xFFFFFFFFL) - 2;
        long checkpoint = checkpoints[at];
        return TextNormalizer.locate(source, (int) checkpoint, (int) (checkpoint >>> 32), i);
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= length) {
            throw new IndexOutOfBoundsException("index " + i + ", length " + length);
        }
    }

    @Override
    public String toString() {
        return new String(chars, 0, length);
    }
}
