package io.sekisho.fingerprint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WinnowerTest {

    private static final String GOLDEN_TEXT = "Winnowing selects a small set of fingerprints from every document. "
            + "In each window of consecutive k-gram hashes the minimum is chosen, and a passage shared by two "
            + "documents, long enough to span a whole window, always yields a common fingerprint. The quick "
            + "brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs; how vexingly quick "
            + "daft zebras jump; sphinx of black quartz, judge my vow; the five boxing wizards jump quickly. "
            + "Sekisho keeps classified text from leaving the building, one excerpt at a time.";

    private final Winnower winnower = new Winnower(FingerprintScheme.DEFAULT);

    // Pinned: if these change, every catalogue must be rebuilt, so FingerprintScheme.id() must change too.
    // Re-pinned with hash poly64-fmix64/2 (selection on the raw polynomial, fmix64 on the selected
    // minima only); the same values come out of a direct evaluation of the definition in
    // docs/fingerprints.md, one gram and one window at a time (see fingerprintsFollowTheDefinition).
    @Test
    void fingerprintsOfAFixedTextArePinned() {
        Fingerprints f = winnower.fingerprint(GOLDEN_TEXT);
        long[] hashes = {0xc851f6b463dd7d62L, 0x8dc97c3207a9fc85L, 0x53365ce23e4ccc66L, 0x919d81e8315b4c74L,
            0x0c20dadca210e167L, 0x6ef4eb208da76721L, 0xefb2b231a4347c2dL};
        int[] positions = {67, 148, 149, 173, 240, 282, 334};
        assertThat(f.normalizedLength()).isEqualTo(421);
        assertThat(f.size()).isEqualTo(hashes.length);
        for (int i = 0; i < hashes.length; i++) {
            assertThat(f.hash(i)).as("hash %d", i).isEqualTo(hashes[i]);
            assertThat(f.position(i)).as("position %d", i).isEqualTo(positions[i]);
        }
    }

    @Test
    void schemeIdNamesNormaliserKWindowAndHash() {
        assertThat(FingerprintScheme.DEFAULT.id())
                .isEqualTo("sekisho-fp/1 norm=nfkc-cf-alnum/2 k=40 w=81 hash=poly64-fmix64/2");
        assertThat(FingerprintScheme.DEFAULT.guarantee()).isEqualTo(120);
        assertThat(new FingerprintScheme(30, 81).id()).isNotEqualTo(FingerprintScheme.DEFAULT.id());
    }

    @Test
    void textShorterThanKHasNoFingerprints() {
        Fingerprints f = winnower.fingerprint("a".repeat(39));
        assertThat(f.size()).isZero();
        assertThat(f.normalizedLength()).isEqualTo(39);
    }

    @Test
    void textWithFewerGramsThanAWindowHasOneFingerprint() {
        assertThat(winnower.fingerprint("abcdefghijklmnopqrstuvwxyz0123456789abcdefghij").size()).isEqualTo(1);
    }

    @Test
    void repetitiveTextYieldsOneHashAboutOncePerWindow() {
        // Robust winnowing keeps its choice on ties while it is in the window, so a run of one
        // letter is re-recorded only when that choice falls out: once per window, not once per gram.
        Fingerprints f = winnower.fingerprint("x".repeat(10_000));
        assertThat(f.distinctHashes()).hasSize(1);
        int grams = 10_000 - 40 + 1;
        assertThat(f.size()).isEqualTo((grams - 81) / 81 + 1);
    }

    @Test
    void densityIsAboutTwoPerWindow() {
        java.util.Random random = new java.util.Random(7);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        int size = winnower.fingerprint(text).size();
        double expected = 2.0 / (FingerprintScheme.DEFAULT.window() + 1) * 100_000;
        assertThat((double) size).isBetween(expected * 0.85, expected * 1.15);
    }

    @Test
    void formattingDoesNotChangeFingerprints() {
        Fingerprints plain = winnower.fingerprint(GOLDEN_TEXT);
        Fingerprints shouted = winnower.fingerprint(GOLDEN_TEXT.toUpperCase(java.util.Locale.ROOT).replace(" ", "\n"));
        assertThat(shouted.distinctHashes()).isEqualTo(plain.distinctHashes());
    }
}
