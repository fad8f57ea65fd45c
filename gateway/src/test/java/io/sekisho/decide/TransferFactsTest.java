package io.sekisho.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.Normalizer;
import java.util.Random;

import org.junit.jupiter.api.Test;

class TransferFactsTest {

    @Test
    void nfkcKeepsAsciiAsItIsAndNormalisesTheRest() {
        String ascii = "TOP SECRET\r\n\tplain ~ text 0123";
        assertThat(TransferFacts.nfkc(ascii)).isSameAs(ascii);
        assertThat(TransferFacts.nfkc("ＣＯＮＦＩＤＥＮＴＩＡＬ")).isEqualTo("CONFIDENTIAL");
        assertThat(TransferFacts.nfkc("ﾊﾝｶｸ and ｶﾞ")).isEqualTo("ハンカク and ガ");
        // Past the first 64 chars the test is the UTF-8 length; a lone surrogate keeps it, and NFKC keeps it.
        String longAscii = "x".repeat(100);
        assertThat(TransferFacts.nfkc(longAscii)).isSameAs(longAscii);
        assertThat(TransferFacts.nfkc(longAscii + "\ud800" + longAscii)).isEqualTo(longAscii + "\ud800" + longAscii);
        assertThat(TransferFacts.nfkc(longAscii + "ＡＢ")).isEqualTo(longAscii + "AB");
        assertThat(TransferFacts.nfkc(longAscii + "é")).isEqualTo(longAscii + "é");
        assertThat(TransferFacts.nfkc(longAscii + "e\u0301")).isEqualTo(longAscii + "é");
        Random random = new Random(11);
        char[] alphabet = "aZ09 \u00a0\u00e9e\u0301\uff21\u3000\u2460\ufb01\u30ab\u3099\u00df".toCharArray();
        for (int t = 0; t < 2_000; t++) {
            StringBuilder sb = new StringBuilder();
            int length = random.nextInt(t % 2 == 0 ? 40 : 200);
            for (int i = 0; i < length; i++) {
                sb.append(random.nextInt(3) == 0 ? alphabet[random.nextInt(alphabet.length)] : (char) (32 + random.nextInt(95)));
            }
            String s = sb.toString();
            assertThat(TransferFacts.nfkc(s)).as(s).isEqualTo(Normalizer.normalize(s, Normalizer.Form.NFKC));
        }
    }
}
