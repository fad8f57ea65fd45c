package io.sekisho.fingerprint;

import java.text.Normalizer;
import java.util.Arrays;

/**
 * Turns text into the form fingerprints are taken from: Unicode NFKC, case folded, keeping only
 * letters, digits and combining marks. Re-wrapping, re-spacing, punctuation, upper case,
 * full-width forms, ligatures, curly quotes and half-width katakana therefore change nothing.
 *
 * <p>The output is defined as: NFKC of the whole text, then per code point
 * {@code toLowerCase(toUpperCase(cp))} (plus {@code ß}/{@code ẞ} to {@code ss}, the one full case
 * folding that matters in practice), then drop every code point that is not a letter, digit or
 * mark. The implementation reaches the same result faster: a table gives, for every BMP char that
 * normalises on its own into at most one char, that char (or "dropped"); only the rest (combining
 * sequences, expansions such as ligatures, surrogate pairs) are cut into combining sequences that
 * go through {@link Normalizer} one by one.
 *
 * <p>No per-char source offsets are kept: they cost more memory traffic than the normalisation
 * itself and are only needed to show a match. Instead every few thousand source chars a checkpoint
 * records where the output stood, and {@link NormalizedText#sourceStart(int)} normalises again
 * from the nearest checkpoint.
 *
 * <p>Changing what this emits for any input means changing {@link FingerprintScheme#NORMALIZER_ID}.
 */
public final class TextNormalizer {

    /** Table entry for chars that need the sequence path; a noncharacter, so never an output. */
    private static final char SLOW = '\uFFFF';

    /**
     * Every BMP char alone: its normalised form, 0 if it is dropped, or {@link #SLOW}. Filled one
     * block of 256 chars at a time, when text first uses the block: the whole table would cost a
     * fifth of a second at start-up. Entries are written without synchronisation on purpose: a
     * reader that does not yet see an entry finds {@link #SLOW} and takes the sequence path, which
     * gives the same output.
     */
    private static final char[] TABLE = new char[0x10000];
    private static final boolean[] FILLED = new boolean[0x100];

    static {
        Arrays.fill(TABLE, SLOW);
        fill(0); // ASCII and Latin-1
    }

    /** Source chars between offset checkpoints, and the size of the bulk-copy buffer. */
    static final int CHUNK = 4096;

    private TextNormalizer() {
    }

    public static NormalizedText normalize(CharSequence text) {
        String s = text.toString();
        int n = s.length();
        Out out = new Out(n + 16, false);
        Checkpoints checkpoints = new Checkpoints(n / CHUNK + 2);
        checkpoints.add(0, 0);
        // Bulk copies into a small buffer beat String.charAt in the hot loop.
        Window window = new Window(Math.min(n, CHUNK));
        int i = 0;
        while (true) {
            i = tableRun(s, i, window, out, checkpoints);
            if (i == n) {
                break;
            }
            i = sequenceAt(s, i, out, checkpoints);
        }
        return new NormalizedText(s, out.chars, out.length, checkpoints.toArray());
    }

    /** A copy of {@code text[start, end)}. */
    private static final class Window {
        final char[] chars;
        int start;
        int end;

        Window(int size) {
            chars = new char[size];
        }
    }

    /**
     * Maps chars from {@code i} through the table into {@code out}, a window at a time, until the
     * end of the text or a char that needs the sequence path; returns where it stopped. Kept apart
     * from the rare paths: compiled with them in one method, the loop ran at two thirds of the speed.
     */
    private static int tableRun(String s, int i, Window window, Out out, Checkpoints checkpoints) {
        char[] buf = window.chars;
        char[] chars = out.chars;
        int len = out.length;
        int n = s.length();
        int start = window.start;
        int end = window.end;
        while (i < n) {
            if (i >= end) {
                start = i;
                end = Math.min(n, i + CHUNK);
                s.getChars(start, end, buf, 0);
                // A table char never composes with what precedes it, so the output before i is final.
                if (i - checkpoints.lastSource() >= CHUNK && TABLE[buf[0]] != SLOW) {
                    checkpoints.add(i, len);
                }
            }
            int count = end - start;
            long stopped = mapChars(buf, i - start, count, chars, len);
            int b = (int) (stopped >>> 32);
            len = (int) stopped;
            i = start + b;
            if (b < count) {
                break;
            }
        }
        window.start = start;
        window.end = end;
        out.length = len;
        return i;
    }

    /**
     * The hot loop: maps {@code buf[b, count)} through the table into {@code chars} from
     * {@code len} until a char that needs the sequence path; returns {@code (b << 32) | len} where
     * it stopped. A method of its own with six live values, so the JIT keeps them all in registers
     * and, reading the static table directly, knows its length and drops the bounds check on it;
     * inside {@link #tableRun} the arrays were reloaded from the stack for every char (Latin
     * normalisation 850 -> 1,200 MB/s).
     */
    private static long mapChars(char[] buf, int b, int count, char[] chars, int len) {
        for (; b < count; b++) {
            char m = TABLE[buf[b]];
            if (m == SLOW) {
                break;
            }
            // Branch-free: always write, advance only for kept chars (m is 0 or 1..0xFFFE).
            chars[len] = m;
            len += (m + 0xFFFF) >>> 16;
        }
        return ((long) b << 32) | len;
    }

    /**
     * Normalises the sequence at {@code i}, a char the table could not map, after {@code out.length}
     * chars; returns where the next char starts.
     */
    private static int sequenceAt(String s, int i, Out out, Checkpoints checkpoints) {
        int n = s.length();
        int start = i;
        char c = s.charAt(i);
        if (!FILLED[c >>> 8]) {
            fill(c >>> 8);
        }
        // A table char before a combining mark is the base of its sequence (e + U+0301 = é,
        // = + U+0338 = ≠): take it back and normalise the two together.
        if (i > out.tableStart && composesWithPrevious(s.codePointAt(i))) {
            start = i - 1;
            if (TABLE[s.charAt(start)] != 0) {
                out.length--;
            }
        }
        if (start - checkpoints.lastSource() >= CHUNK) { // text made almost only of sequences
            checkpoints.add(start, out.length);
        }
        int next = sequence(s, start, n, out);
        // The table emits at most one char per input char, so this bounds it until the next sequence.
        out.ensure(out.length + (n - next) + 1);
        out.tableStart = next;
        return next;
    }

    /**
     * The source range {@code [start, end)} that produced normalised char {@code target}: normalises
     * again from a checkpoint at or before it, one table char or sequence at a time.
     */
    static long locate(String s, int fromSource, int fromOutput, int target) {
        int n = s.length();
        Out out = new Out(64, true);
        int i = fromSource;
        while (i < n) {
            char c = s.charAt(i);
            char m = TABLE[c];
            int next;
            if (m != SLOW && (i + 1 == n || !composesWithPrevious(s.codePointAt(i + 1)))) {
                next = i + 1;
                if (m != 0) {
                    out.append(m, i, next);
                }
            } else {
                next = sequence(s, i, n, out);
            }
            int produced = target - fromOutput;
            if (out.length > produced) {
                return ((long) out.starts[produced] << 32) | out.ends[produced];
            }
            // Keep only what the target still needs: nothing before the current position.
            fromOutput += out.length;
            out.length = 0;
            i = next;
        }
        throw new IllegalStateException("normalised char " + target + " not produced by the text");
    }

    /** Normalises the combining sequence starting at {@code start}; returns where the next one starts. */
    private static int sequence(String s, int start, int n, Out out) {
        int base = s.codePointAt(start);
        int end = start + Character.charCount(base);
        while (end < n) {
            int cp = s.codePointAt(end);
            if (!composesWithPrevious(cp)) {
                break;
            }
            end += Character.charCount(cp);
        }
        String normalized = Normalizer.normalize(s.substring(start, end), Normalizer.Form.NFKC);
        for (int j = 0; j < normalized.length(); ) {
            int cp = normalized.codePointAt(j);
            emitFolded(cp, start, end, out);
            j += Character.charCount(cp);
        }
        return end;
    }

    private static void emitFolded(int cp, int start, int end, Out out) {
        if (cp == 0xDF || cp == 0x1E9E) { // ß, ẞ: full case folding, so "STRASSE" matches "Straße"
            out.append('s', start, end);
            out.append('s', start, end);
            return;
        }
        int folded = Character.toLowerCase(Character.toUpperCase(cp));
        if (!keep(folded)) {
            return;
        }
        if (Character.isBmpCodePoint(folded)) {
            out.append((char) folded, start, end);
        } else {
            out.append(Character.highSurrogate(folded), start, end);
            out.append(Character.lowSurrogate(folded), start, end);
        }
    }

    private static boolean keep(int cp) {
        if (Character.isLetterOrDigit(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    /**
     * Code points that NFKC may combine with what precedes them: marks, the half-width katakana
     * voiced sound marks (they become combining U+3099/U+309A) and Hangul conjoining vowels and
     * trailing consonants. Keeping them in the same {@link Normalizer} call as their base is what
     * makes per-sequence normalisation equal whole-text normalisation.
     */
    private static boolean composesWithPrevious(int cp) {
        if (cp < 0x300) {
            return false;
        }
        if (cp == 0xFF9E || cp == 0xFF9F || (cp >= 0x1160 && cp <= 0x11FF) || (cp >= 0xD7B0 && cp <= 0xD7FF)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    /**
     * Runs every char of one 256-char block through the definition on its own. A char goes to the
     * table if the result is at most one char and neither it nor its NFKC form can combine with a
     * neighbour; everything else (surrogates, marks, expansions, {@code ß}) stays on the sequence path.
     */
    private static void fill(int block) {
        Out out = new Out(8, false);
        for (int c = block << 8; c < (block + 1) << 8; c++) {
            if (Character.isSurrogate((char) c) || composesWithPrevious(c)) {
                continue;
            }
            String nfkc = c < 0xA0 ? String.valueOf((char) c) // ASCII and C1 controls are NFKC-stable
                    : Normalizer.normalize(String.valueOf((char) c), Normalizer.Form.NFKC);
            boolean alone = true;
            out.length = 0;
            for (int j = 0; j < nfkc.length(); ) {
                int cp = nfkc.codePointAt(j);
                alone &= !composesWithPrevious(cp);
                emitFolded(cp, 0, 1, out);
                j += Character.charCount(cp);
            }
            if (alone && out.length <= 1) {
                TABLE[c] = out.length == 0 ? 0 : out.chars[0];
            }
        }
        FILLED[block] = true;
    }

    /** Growable output; source ranges are recorded only when locating a char. */
    private static final class Out {
        char[] chars;
        int length;
        /** Where the current run of table chars began: the end of the last sequence. */
        int tableStart;
        final boolean ranges;
        int[] starts;
        int[] ends;

        Out(int capacity, boolean ranges) {
            this.chars = new char[capacity];
            this.ranges = ranges;
            if (ranges) {
                starts = new int[capacity];
                ends = new int[capacity];
            }
        }

        void append(char c, int start, int end) {
            ensure(length + 1);
            chars[length] = c;
            if (ranges) {
                starts[length] = start;
                ends[length] = end;
            }
            length++;
        }

        void ensure(int capacity) {
            if (capacity > chars.length) {
                int grown = Math.max(capacity, chars.length + (chars.length >> 1) + 16);
                chars = Arrays.copyOf(chars, grown);
                if (ranges) {
                    starts = Arrays.copyOf(starts, grown);
                    ends = Arrays.copyOf(ends, grown);
                }
            }
        }
    }

    /**
     * Points where the output so far is final, each {@code (output length << 32) | source index}:
     * both grow along the text, so the packed values are ascending and can be binary-searched.
     */
    private static final class Checkpoints {
        private long[] packed;
        private int count;

        Checkpoints(int capacity) {
            packed = new long[capacity];
        }

        void add(int source, int output) {
            if (count == packed.length) {
                packed = Arrays.copyOf(packed, count * 2);
            }
            packed[count++] = ((long) output << 32) | source;
        }

        int lastSource() {
            return (int) packed[count - 1];
        }

        long[] toArray() {
            return Arrays.copyOf(packed, count);
        }
    }
}
