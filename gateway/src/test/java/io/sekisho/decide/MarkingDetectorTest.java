package io.sekisho.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import org.junit.jupiter.api.Test;

class MarkingDetectorTest {
    private static final MarkingDetector DEFAULT_MARKINGS = MarkingDetector.of("marking", 1,
            List.of("極秘", "社外秘", "部外秘", "関係者外秘", "TOP SECRET", "SECRET", "CONFIDENTIAL", "STRICTLY CONFIDENTIAL"));

    /** Pieces that are markings, overlap markings or nearly are markings, for texts that test the edges. */
    private static final List<String> PIECES = List.of("SECRET", "TOP", "TOP SECRET", "TOP\r\n  SECRET", "SECRETARY",
            "XSECRET", "_SECRET", "SECRET_", "STRICTLY", "STRICTLY CONFIDENTIAL", "CONFIDENTIAL", "CONFIDENTIALITY",
            "極秘", "社外秘", "部外秘", "関係者外秘", "外秘", "秘", "secret", "top secret", " ", "\n", "\t", ".", "-", "a", "7",
            "banner", "【", "】", "\uD83D\uDE00");

    @Test
    void countsWhatARegexSearchOverTheWholeTextCounts() {
        Random random = new Random(20261126L);
        for (int i = 0; i < 2_000; i++) {
            StringBuilder text = new StringBuilder();
            int pieces = random.nextInt(40);
            for (int p = 0; p < pieces; p++) {
                text.append(PIECES.get(random.nextInt(PIECES.size())));
            }
            String t = text.toString();
            assertThat(DEFAULT_MARKINGS.count(t)).as(t).isEqualTo(wholeTextSearch(DEFAULT_MARKINGS, t));
        }
    }

    @Test
    void findsAWordWhereStringIndexOfDoes() {
        Random random = new Random(7);
        String[] words = {"S", "SS", "SSX", "XS", "極秘", "秘", "\uD83D\uDE00", "SECRET"};
        String alphabet = "SSXx 極秘秘\uD83D\uDE00";
        for (int i = 0; i < 5_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int c = random.nextInt(30); c > 0; c--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String t = text.toString();
            String word = words[random.nextInt(words.length)];
            int from = random.nextInt(t.length() + 2) - 1;
            assertThat(MarkingDetector.indexOf(t, word, from)).as("%s in %s from %d", word, t, from)
                    .isEqualTo(t.indexOf(word, from));
        }
    }

    @Test
    void countsMarkingsAtTheEdgesOfAText() {
        assertThat(DEFAULT_MARKINGS.count("SECRET")).isEqualTo(1);
        assertThat(DEFAULT_MARKINGS.count("TOP SECRET")).as("one marking, not two").isEqualTo(1);
        assertThat(DEFAULT_MARKINGS.count("STRICTLY CONFIDENTIAL: TOP SECRET, 極秘")).isEqualTo(3);
        assertThat(DEFAULT_MARKINGS.count("xSECRET SECRETx")).isZero();
        assertThat(DEFAULT_MARKINGS.count("")).isZero();
    }

    @Test
    void aMarkingAtTheEndOfALongTextIsCounted() {
        String prose = "ka to mi ra ne so lu pe di vo an el or us ik ".repeat(100_000);

        assertThat(DEFAULT_MARKINGS.count(prose + "Classification: SECRET. Owner: Display Materials")).isEqualTo(1);
        assertThat(DEFAULT_MARKINGS.count("SECRETARIES " + prose + "TOP\n\n   SECRET")).isEqualTo(1);
    }

    /** The count as a search with the alternatives over the whole text finds it. */
    private static int wholeTextSearch(MarkingDetector detector, String text) {
        String anchored = detector.atStart().pattern();
        Matcher m = Pattern.compile(anchored.substring("^(?:".length(), anchored.length() - 1)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
