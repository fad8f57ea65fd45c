package io.sekisho.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The promise the whole matcher rests on: a shared passage of at least the guarantee length is
 * always found, wherever it sits and whatever surrounds it, and it maps back to where it was.
 */
class SharedPassageProperties {

    private static final FingerprintScheme SCHEME = FingerprintScheme.DEFAULT;
    private static final Winnower WINNOWER = new Winnower(SCHEME);

    @Property(tries = 400)
    void sharedLatinPassageIsAlwaysFound(@ForAll long seed) {
        assertSharedPassageFound(new Random(seed), false);
    }

    @Property(tries = 400)
    void sharedCjkPassageIsAlwaysFound(@ForAll long seed) {
        assertSharedPassageFound(new Random(seed), true);
    }

    /** Chars chosen to hit every path: table chars, marks, expansions, half-width kana, jamo, surrogates. */
    private static final String[] ALPHABET = {"a", "Z", "5", " ", ".", "e", "\u0301", "\u0308", "ß", "ẞ", "ﬁ", "Ａ",
        "１", "ｶ", "ﾞ", "ﾟ", "ﾊ", "か", "\u3099", "カ", "機", "、", "Ⅻ", "①", "²", "İ", "Σ", "ς", "한", "\u1100", "\u1161",
        "\u11A8", "\uD835\uDC00", "\u00AD", "\u200B", "\u2014", "\u201C", "Å", "\u212B", "ĳ", "ſ", "Ω", "\u2126",
        "ﾃ", "ｰ", "㌀", "\u0327", "c", "\t", "\n", "=", "<", "\u0338", "゛", "\u1FED", "\u0F73", "\uD834\uDD65",
        "\u0BBE", "\u0B92", "я", "Ё"};

    /** The fast, segmenting implementation must equal the definition: whole-text NFKC, fold, filter. */
    @Property(tries = 500)
    void normaliserEqualsWholeTextDefinition(@ForAll long seed) {
        Random random = new Random(seed);
        String text = randomMix(random, random.nextInt(60));
        assertThat(TextNormalizer.normalize(text).toString()).isEqualTo(definition(text));
    }

    /**
     * Offsets are found again from checkpoints a few thousand chars apart, so texts here are long.
     * The range of char i must be a whole combining sequence: the text before it normalises to
     * exactly the chars before that sequence's output, and the range itself produces char i.
     */
    @Property(tries = 15)
    void everyCharMapsBackToTheSequenceThatProducedIt(@ForAll long seed) {
        Random random = new Random(seed);
        String text = randomMix(random, 2_000 + random.nextInt(10_000));
        NormalizedText normalized = TextNormalizer.normalize(text);
        String all = normalized.toString();
        for (int sample = 0; sample < 25 && all.length() > 0; sample++) {
            int i = sample == 0 ? all.length() - 1 : random.nextInt(all.length());
            int start = normalized.sourceStart(i);
            int end = normalized.sourceEnd(i);
            String before = definition(text.substring(0, start));
            String produced = definition(text.substring(start, end));
            assertThat(i - before.length()).as("char %d from [%d, %d)", i, start, end)
                    .isBetween(0, produced.length() - 1);
            assertThat(produced.charAt(i - before.length())).isEqualTo(all.charAt(i));
            assertThat(all).startsWith(before + produced);
        }
    }

    /**
     * The normaliser's table is filled lazily, by whichever thread first meets a block of chars,
     * without locks: threads normalising text from all over the BMP at once must still all get the
     * definition's output.
     */
    @Test
    void threadsFillingTheTableAtOnceAllGetTheDefinition() throws Exception {
        int threads = 4;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = t;
                results.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    int texts = 0;
                    for (; texts < 20; texts++) {
                        StringBuilder text = new StringBuilder();
                        while (text.length() < 3_000) {
                            char c = (char) random.nextInt(0x10000);
                            if (!Character.isSurrogate(c)) {
                                text.append(c);
                            }
                        }
                        String s = text.toString();
                        assertThat(TextNormalizer.normalize(s).toString()).isEqualTo(definition(s));
                    }
                    return texts;
                }));
            }
            for (var result : results) {
                assertThat(result.get()).isEqualTo(20);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String randomMix(Random random, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return text.toString();
    }

    private static String definition(String text) {
        String nfkc = Normalizer.normalize(text, Normalizer.Form.NFKC);
        StringBuilder out = new StringBuilder();
        nfkc.codePoints().forEach(cp -> {
            if (cp == 0xDF || cp == 0x1E9E) {
                out.append("ss");
                return;
            }
            int folded = Character.toLowerCase(Character.toUpperCase(cp));
            int type = Character.getType(folded);
            if (Character.isLetterOrDigit(folded) || type == Character.NON_SPACING_MARK
                    || type == Character.COMBINING_SPACING_MARK || type == Character.ENCLOSING_MARK) {
                out.appendCodePoint(folded);
            }
        });
        return out.toString();
    }

    private static void assertSharedPassageFound(Random random, boolean cjk) {
        int t = SCHEME.guarantee();
        String passage = randomText(random, t + random.nextInt(2 * t + 1), cjk);
        String before1 = randomText(random, random.nextInt(600), cjk);
        String after1 = randomText(random, random.nextInt(600), cjk);
        String before2 = randomText(random, random.nextInt(600), cjk);
        String after2 = randomText(random, random.nextInt(600), cjk);
        String a = before1 + passage + after1;
        String b = before2 + passage + after2;

        NormalizedText na = TextNormalizer.normalize(a);
        Fingerprints fa = WINNOWER.fingerprint(na);
        Fingerprints fb = WINNOWER.fingerprint(b);
        Map<Long, Integer> inB = new HashMap<>();
        for (int i = 0; i < fb.size(); i++) {
            inB.put(fb.hash(i), fb.position(i));
        }
        int passageStart = before1.length();
        int passageEnd = passageStart + passage.length();
        boolean foundInsidePassage = false;
        for (int i = 0; i < fa.size() && !foundInsidePassage; i++) {
            if (!inB.containsKey(fa.hash(i))) {
                continue;
            }
            int p = fa.position(i);
            int start = na.sourceStart(p);
            int end = na.sourceEnd(p + SCHEME.k() - 1);
            String gram = na.toString().substring(p, p + SCHEME.k());
            assertThat(TextNormalizer.normalize(a.substring(start, end)).toString()).isEqualTo(gram);
            foundInsidePassage = start >= passageStart && end <= passageEnd;
        }
        assertThat(foundInsidePassage).as("shared fingerprint mapping into the passage of %d chars", passage.length())
                .isTrue();
    }

    /** Random text with exactly {@code letters} letters, plus spaces and punctuation that normalise away. */
    private static String randomText(Random random, int letters, boolean cjk) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < letters; i++) {
            if (cjk) {
                text.append(random.nextInt(3) == 0 ? (char) (0x3041 + random.nextInt(0x56))
                        : (char) (0x4E00 + random.nextInt(0x9FFF - 0x4E00 + 1)));
                if (random.nextInt(15) == 0) {
                    text.append(random.nextBoolean() ? '、' : '。');
                }
            } else {
                char c = (char) ('a' + random.nextInt(26));
                text.append(random.nextInt(10) == 0 ? Character.toUpperCase(c) : c);
                if (random.nextInt(6) == 0) {
                    text.append(random.nextInt(8) == 0 ? ", " : random.nextInt(8) == 0 ? "\n" : " ");
                }
            }
        }
        return text.toString();
    }
}
