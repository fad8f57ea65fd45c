package io.sekisho.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextNormalizerTest {

    // Golden values: a change here changes every catalogue's fingerprints, so it must come with a
    // new FingerprintScheme.NORMALIZER_ID.
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "Hello, World!|helloworld",
        "ＡＢＣ１２３|abc123",
        "\u201CQuoted\u201D text|quotedtext",
        "ﾃﾞｰﾀ ｶﾞｲﾄﾞ|データガイド",
        "機密情報：データ|機密情報データ",
        "ﬁnance|finance",
        "Straße STRASSE|strassestrasse",
        "e\u0301te\u0301|\u00e9t\u00e9",
        "'exam- ple\n  wrap'|examplewrap",
        "Ⅻ ① x²|xii1x2",
        "İstanbul ΣΊΣΥΦΟΣ|istanbulσίσυφοσ",
        "\uD835\uDC00bc|abc",
        "한국어 텍스트|한국어텍스트",
        "Ünïcödé\u00ADsoft\u200Bhyphen|ünïcödésofthyphen",
        "a=\u0338b<\u0338c|abc",
    })
    void normalisesToGoldenValue(String input, String expected) {
        assertThat(TextNormalizer.normalize(input).toString()).isEqualTo(expected);
    }

    @Test
    void formattingVariantsNormaliseAlike() {
        String plain = "The merger with Example Corp closes on 14 March 2025.";
        String expected = TextNormalizer.normalize(plain).toString();
        List<String> variants = List.of(
                "THE MERGER WITH EXAMPLE CORP CLOSES ON 14 MARCH 2025.",
                "The merger with\nExample Corp closes\non 14 March 2025.",
                "The  merger   with Example Corp clo- ses on 14 March 2025",
                "Ｔｈｅ ｍｅｒｇｅｒ ｗｉｔｈ Ｅｘａｍｐｌｅ Ｃｏｒｐ ｃｌｏｓｅｓ ｏｎ １４ Ｍａｒｃｈ ２０２５．",
                "\u201CThe merger\u201D \u2014 with Example Corp \u2018closes\u2019 on 14 March 2025\u2026");
        for (String variant : variants) {
            assertThat(TextNormalizer.normalize(variant).toString()).as(variant).isEqualTo(expected);
        }
    }

    @Test
    void halfWidthKatakanaNormalisesLikeFullWidth() {
        assertThat(TextNormalizer.normalize("ｼｽﾃﾑ ﾃﾞｻﾞｲﾝ ﾊﾟﾀｰﾝ").toString())
                .isEqualTo(TextNormalizer.normalize("システム・デザイン・パターン").toString());
    }

    @Test
    void everyCharMapsBackToTheOriginalRangeThatProducedIt() {
        String text = "a, ﬁ ｶﾞ e\u0301 \uD835\uDC00!";
        NormalizedText n = TextNormalizer.normalize(text);
        List<String> ranges = new ArrayList<>();
        for (int i = 0; i < n.length(); i++) {
            ranges.add(n.sourceStart(i) + "-" + n.sourceEnd(i));
        }
        assertThat(n.toString()).isEqualTo("afiガ\u00e9a");
        assertThat(ranges).containsExactly("0-1", "3-4", "3-4", "5-7", "8-10", "11-13");
    }

    @Test
    void emptyAndPunctuationOnlyTextNormaliseToNothing() {
        assertThat(TextNormalizer.normalize("").length()).isZero();
        assertThat(TextNormalizer.normalize(" \t\n.,;:!?-\u2014\u201C\u201D\u3000\u3001\u3002").length()).isZero();
    }
}
