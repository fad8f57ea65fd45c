package io.sekisho.fingerprint;

/**
 * Text after {@link TextNormalizer}: only case-folded letters, digits and combining marks, each
 * char remembering which range of the original text produced it, so a match found here can be
 * shown where it is in the original.
 */
public final class NormalizedText {

    // Package-private arrays: the winnower reads chars directly instead of via charAt.
    final char[] chars;
    final int[] sourceStarts;
    final int length;
    // Sparse: ends of the chars whose source range is not exactly one char, by ascending index.
    private final int[] wideIndex;
    private final int[] wideEnd;

    NormalizedText(char[] chars, int[] sourceStarts, int length, int[] wideIndex, int[] wideEnd) {
        this.chars = chars;
        this.sourceStarts = sourceStarts;
        this.length = length;
        this.wideIndex = wideIndex;
        this.wideEnd = wideEnd;
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
        checkIndex(i);
        return sourceStarts[i];
    }

    /** End (exclusive) of the original text range that produced normalised char {@code i}. */
    public int sourceEnd(int i) {
        checkIndex(i);
        int at = java.util.Arrays.binarySearch(wideIndex, i);
        return at >= 0 ? wideEnd[at] : sourceStarts[i] + 1;
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
