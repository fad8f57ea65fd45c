package io.sekisho.catalogue;

import java.util.Random;

/** Deterministic text for tests: different seeds give texts that share no 40-char run. */
public final class TestTexts {

    private static final String[][] KATAKANA = {
        {"システム", "ｼｽﾃﾑ"}, {"デザイン", "ﾃﾞｻﾞｲﾝ"}, {"パターン", "ﾊﾟﾀｰﾝ"}, {"データ", "ﾃﾞｰﾀ"}, {"ガイド", "ｶﾞｲﾄﾞ"},
    };

    private TestTexts() {
    }

    /** Prose-like Latin text of about {@code chars} chars: random words, spaces, punctuation, line breaks. */
    public static String latin(long seed, int chars) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder(chars + 16);
        while (text.length() < chars) {
            int length = 1 + random.nextInt(9);
            for (int i = 0; i < length; i++) {
                char c = (char) ('a' + random.nextInt(26));
                text.append(i == 0 && random.nextInt(8) == 0 ? Character.toUpperCase(c) : c);
            }
            int r = random.nextInt(20);
            text.append(r == 0 ? ".\n" : r == 1 ? ", " : " ");
        }
        return text.substring(0, chars);
    }

    /** Japanese text; with {@code halfWidth} the katakana words are written in half-width forms. */
    public static String japanese(long seed, int tokens, boolean halfWidth) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder();
        for (int t = 0; t < tokens; t++) {
            int r = random.nextInt(12);
            if (r == 0) {
                text.append(KATAKANA[random.nextInt(KATAKANA.length)][halfWidth ? 1 : 0]);
            } else if (r < 5) {
                text.append((char) (0x3041 + random.nextInt(0x56)));
            } else {
                text.append((char) (0x4E00 + random.nextInt(0x5000)));
            }
            if (random.nextInt(25) == 0) {
                text.append(random.nextBoolean() ? "、" : "。\n");
            }
        }
        return text.toString();
    }

    public static CatalogueDocument meta(String id, String classification) {
        return new CatalogueDocument(id, classification, "Title of " + id, "owner@example.com", "/docs/" + id + ".txt",
                "0".repeat(64), java.util.List.of("test"), java.time.Instant.parse("2026-01-01T00:00:00Z"));
    }
}
