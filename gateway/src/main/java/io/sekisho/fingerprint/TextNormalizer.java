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
 * mark. The implementation reaches the same result faster: ASCII is mapped through a table, and
 * only non-ASCII text is cut into combining sequences (a base plus the marks that may compose
 * with it) that go through {@link Normalizer} one by one, which is also what lets every output
 * char name the original range it came from.
 *
 * <p>Changing what this emits for any input means changing {@link FingerprintScheme#NORMALIZER_ID}.
 */
public final class TextNormalizer {

    /** ASCII char to its normalised form; 0 means dropped. */
    private static final char[] ASCII = new char[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            ASCII[c] = c;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            ASCII[c] = c;
            ASCII[c - 'a' + 'A'] = c;
        }
    }

    private static final int CHUNK = 4096;

    private TextNormalizer() {
    }

    public static NormalizedText normalize(CharSequence text) {
        String s = text.toString();
        int n = s.length();
        Out out = new Out(n + 16);
        char[] chars = out.chars;
        int[] starts = out.starts;
        int len = 0;
        // Bulk copies into a small buffer beat String.charAt in the hot loop.
        char[] buf = new char[Math.min(n, CHUNK)];
        int bufStart = 0;
        int bufEnd = 0;
        int i = 0;
        while (i < n) {
            if (i >= bufEnd) {
                bufStart = i;
                bufEnd = Math.min(n, i + CHUNK);
                s.getChars(bufStart, bufEnd, buf, 0);
            }
            int j = i;
            for (; j < bufEnd; j++) {
                char c = buf[j - bufStart];
                if (c >= 128) {
                    break;
                }
                // Branch-free: always write, advance only for kept chars (ASCII[c] is 0 or 1..127).
                char m = ASCII[c];
                chars[len] = m;
                starts[len] = j;
                len += (m + 127) >>> 7;
            }
            i = j;
            if (i == bufEnd) {
                continue;
            }
            int start = i;
            // An ASCII letter before a combining mark is the base of its sequence (e + U+0301 = é):
            // take it back and normalise the two together.
            if (len > 0 && starts[len - 1] == i - 1 && composesWithPrevious(s.codePointAt(i))) {
                len--;
                start = i - 1;
            }
            out.length = len;
            i = segment(s, start, n, out);
            // The fast path emits at most one char per input char, so this bounds it until the next segment.
            out.ensure(out.length + (n - i) + 1);
            chars = out.chars;
            starts = out.starts;
            len = out.length;
        }
        return out.finish(len);
    }

    /** Normalises the combining sequence starting at {@code start}; returns where the next one starts. */
    private static int segment(String s, int start, int n, Out out) {
        int base = s.codePointAt(start);
        int end = start + Character.charCount(base);
        while (end < n) {
            int cp = s.codePointAt(end);
            if (!composesWithPrevious(cp)) {
                break;
            }
            end += Character.charCount(cp);
        }
        int single = start + Character.charCount(base);
        if (end == single) {
            if (isCaselessLetter(base)) {
                out.append((char) base, start, end);
                return end;
            }
            if (base < 128 || isNfkcStable(base)) {
                emitFolded(base, start, end, out);
                return end;
            }
            if (base >= 0xFF01 && base <= 0xFF5E) { // full-width ASCII: NFKC is a fixed offset
                emitFolded(base - 0xFEE0, start, end, out);
                return end;
            }
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
        if (cp < 128) {
            char m = ASCII[cp];
            if (m != 0) {
                out.append(m, start, end);
            }
            return;
        }
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
        if (cp < 0x300 || isCaselessLetter(cp)) {
            return false;
        }
        if (cp == 0xFF9E || cp == 0xFF9F || (cp >= 0x1160 && cp <= 0x11FF) || (cp >= 0xD7B0 && cp <= 0xD7FF)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    /** Kana, CJK ideographs and Hangul syllables: NFKC-stable letters without case, kept as they are. */
    private static boolean isCaselessLetter(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3041 && cp <= 0x3096) || (cp >= 0x30A1 && cp <= 0x30FA)
                || (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0x3400 && cp <= 0x4DBF);
    }

    /** Common code points NFKC leaves unchanged on their own; they skip the {@link Normalizer} call. */
    private static boolean isNfkcStable(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF)       // CJK unified ideographs
                || (cp >= 0x3400 && cp <= 0x4DBF)   // CJK extension A
                || (cp >= 0x3041 && cp <= 0x3096)   // hiragana
                || (cp >= 0x30A1 && cp <= 0x30FA)   // katakana
                || cp == 0x30FC                     // prolonged sound mark
                || (cp >= 0xAC00 && cp <= 0xD7A3)   // Hangul syllables
                || (cp >= 0xC0 && cp <= 0xFF && cp != 0xDF)
                || (cp >= 0x100 && cp <= 0x17E && cp != 0x132 && cp != 0x133 && cp != 0x13F && cp != 0x140
                    && cp != 0x149)
                || (cp >= 0x391 && cp <= 0x3C9)     // Greek
                || (cp >= 0x400 && cp <= 0x45F);    // Cyrillic
    }

    /**
     * Growable output. Source ends are kept only for chars whose source range is not one char long
     * (combining sequences, surrogate pairs, expansions): in mostly-ASCII text that saves a third of
     * the memory traffic, and ends are only needed to report passages.
     */
    private static final class Out {
        char[] chars;
        int[] starts;
        int length;
        int[] wideIndex = new int[16];
        int[] wideEnd = new int[16];
        int wideCount;

        Out(int capacity) {
            chars = new char[capacity];
            starts = new int[capacity];
        }

        void append(char c, int start, int end) {
            ensure(length + 1);
            chars[length] = c;
            starts[length] = start;
            if (end != start + 1) {
                if (wideCount == wideIndex.length) {
                    wideIndex = Arrays.copyOf(wideIndex, wideCount * 2);
                    wideEnd = Arrays.copyOf(wideEnd, wideCount * 2);
                }
                wideIndex[wideCount] = length;
                wideEnd[wideCount] = end;
                wideCount++;
            }
            length++;
        }

        void ensure(int capacity) {
            if (capacity > chars.length) {
                int grown = Math.max(capacity, chars.length + (chars.length >> 1) + 16);
                chars = Arrays.copyOf(chars, grown);
                starts = Arrays.copyOf(starts, grown);
            }
        }

        NormalizedText finish(int finalLength) {
            return new NormalizedText(chars, starts, finalLength, Arrays.copyOf(wideIndex, wideCount),
                    Arrays.copyOf(wideEnd, wideCount));
        }
    }
}
