package io.sekisho.match;

import static io.sekisho.catalogue.TestTexts.japanese;
import static io.sekisho.catalogue.TestTexts.latin;
import static io.sekisho.catalogue.TestTexts.meta;
import static org.assertj.core.api.Assertions.assertThat;

import io.sekisho.catalogue.Catalogue;
import io.sekisho.catalogue.CatalogueSettings;
import io.sekisho.catalogue.CatalogueSnapshot;
import io.sekisho.catalogue.OpenMode;
import io.sekisho.extract.ExtractedPart;
import io.sekisho.fingerprint.FingerprintScheme;
import io.sekisho.extract.ExtractionStatus;
import io.sekisho.fingerprint.TextNormalizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MatcherTest {

    @TempDir
    Path dir;

    private final String secret = latin(100, 5000);

    @Test
    void findsExcerptEmbeddedInUnrelatedTextAndPointsAtIt() throws IOException {
        String excerpt = excerpt(secret, 2000, 300);
        String before = latin(200, 5000);
        String content = before + excerpt + latin(201, 5000);
        List<Match> matches = matchOne(content);

        assertThat(matches).singleElement().satisfies(m -> {
            assertThat(m.documentId()).isEqualTo("plan");
            assertThat(m.classification()).isEqualTo("secret");
            assertThat(m.title()).isEqualTo("Title of plan");
            assertThat(m.tags()).as("the catalogue's tags travel with the match, for release scopes").containsExactly("test");
            assertThat(m.matchedChars()).isBetween(120L, 300L);
            assertThat(m.documentCoverage()).isBetween(0.01, 0.2);
            assertThat(m.contentCoverage()).isBetween(120.0 / 10_000, 300.0 / 8_000);
            assertThat(m.passages()).singleElement().satisfies(p -> {
                assertThat(p.part()).isEqualTo("mail.txt");
                assertThat(p.start()).isGreaterThanOrEqualTo(before.length());
                assertThat(p.end()).isLessThanOrEqualTo(before.length() + excerpt.length());
                assertThat(excerpt).contains(content.substring(p.start(), p.end()));
            });
        });
    }

    @Test
    void findsExcerptOfExactlyTheGuaranteedLength() throws IOException {
        String excerpt = excerpt(secret, 3000, 120);
        List<Match> matches = matchOne(latin(200, 5000) + excerpt + latin(201, 5000));
        assertThat(matches).singleElement().satisfies(m -> assertThat(m.matchedChars()).isGreaterThanOrEqualTo(40));
    }

    @Test
    void findsReformattedExcerpts() throws IOException {
        String excerpt = excerpt(secret, 1000, 300);
        List<String> variants = List.of(
                excerpt.toUpperCase(Locale.ROOT),
                excerpt.replace(" ", "\n").replace(".\n", ".  "),
                fullWidth(excerpt),
                excerpt.replace(", ", " \u2014 ").replace("e", "e\u00AD"));
        try (Catalogue catalogue = catalogueWith("plan", secret); CatalogueSnapshot snapshot = catalogue.snapshot()) {
            Matcher matcher = new Matcher(snapshot);
            for (String variant : variants) {
                String content = latin(200, 3000) + variant + latin(201, 3000);
                assertThat(matcher.match(List.of(part("mail.txt", content)))).as(variant)
                        .extracting(Match::documentId).containsExactly("plan");
            }
        }
    }

    @Test
    void findsJapaneseExcerptWrittenWithHalfWidthKatakana() throws IOException {
        String document = japanese(7, 3000, false);
        String halfWidth = japanese(7, 3000, true);
        assertThat(TextNormalizer.normalize(halfWidth).toString()).isEqualTo(TextNormalizer.normalize(document).toString());
        String excerpt = halfWidth.substring(1000, 1200);
        String content = japanese(8, 1500, false) + excerpt + japanese(9, 1500, false);
        try (Catalogue catalogue = catalogueWith("keikaku", document); CatalogueSnapshot snapshot = catalogue.snapshot()) {
            List<Match> matches = new Matcher(snapshot).match(List.of(part("mail.txt", content)));
            assertThat(matches).singleElement().satisfies(m -> {
                assertThat(m.documentId()).isEqualTo("keikaku");
                Passage p = m.passages().get(0);
                assertThat(excerpt).contains(content.substring(p.start(), p.end()));
            });
        }
    }

    @Test
    void unrelatedTextMatchesNothing() throws IOException {
        assertThat(matchOne(latin(300, 20_000))).isEmpty();
        assertThat(matchOne("")).isEmpty();
    }

    @Test
    void noticeSharedByThreeDocumentsDoesNotMatchOnItsOwn() throws IOException {
        String notice = latin(50, 600);
        try (Catalogue catalogue = Catalogue.open(dir, OpenMode.CREATE_IF_MISSING)) {
            addThreeDocumentsSharing(catalogue, notice);
            try (CatalogueSnapshot snapshot = catalogue.snapshot()) {
                Matcher matcher = new Matcher(snapshot);
                assertThat(matcher.match(List.of(part("mail.txt", latin(60, 2000) + notice)))).isEmpty();
                // The documents' own text still matches, alongside the notice.
                String excerpt = latin(1, 2000).substring(500, 900);
                assertThat(matcher.match(List.of(part("mail.txt", notice + excerpt))))
                        .extracting(Match::documentId).containsExactly("d1");
            }
        }
    }

    @Test
    void noticeSharedByThreeDocumentsMatchesWhenTheThresholdIsFour() throws IOException {
        String notice = latin(50, 600);
        var settings = new CatalogueSettings(CatalogueSettings.DEFAULT.levels(), 4);
        try (Catalogue catalogue = Catalogue.open(dir, OpenMode.CREATE_IF_MISSING, settings)) {
            addThreeDocumentsSharing(catalogue, notice);
            try (CatalogueSnapshot snapshot = catalogue.snapshot()) {
                assertThat(new Matcher(snapshot).match(List.of(part("mail.txt", latin(60, 2000) + notice))))
                        .extracting(Match::documentId).containsExactlyInAnyOrder("d1", "d2", "d3");
            }
        }
    }

    @Test
    void ignoredTextDoesNotMatch() throws IOException {
        String licence = latin(70, 1500);
        try (Catalogue catalogue = Catalogue.open(dir, OpenMode.CREATE_IF_MISSING)) {
            catalogue.add(meta("d1", "secret"), latin(1, 3000) + licence);
            catalogue.ignore("apache-2.0", licence);
            catalogue.commit();
            try (CatalogueSnapshot snapshot = catalogue.snapshot()) {
                assertThat(new Matcher(snapshot).match(List.of(part("LICENSE", licence)))).isEmpty();
            }
        }
    }

    @Test
    void matchesAreOrderedByLevelThenMatchedChars() throws IOException {
        String small = latin(11, 3000);
        String big = latin(12, 3000);
        String top = latin(13, 3000);
        try (Catalogue catalogue = Catalogue.open(dir, OpenMode.CREATE_IF_MISSING)) {
            catalogue.add(meta("small", "secret"), small);
            catalogue.add(meta("big", "secret"), big);
            catalogue.add(meta("top", "top-secret"), top);
            catalogue.add(meta("conf", "confidential"), latin(14, 3000));
            catalogue.commit();
            try (CatalogueSnapshot snapshot = catalogue.snapshot()) {
                List<ExtractedPart> parts = List.of(
                        part("a.txt", small.substring(0, 400) + latin(15, 500)),
                        part("b.zip!/c.txt", big.substring(0, 2000)),
                        part("d.txt", top.substring(1000, 1400)));
                List<Match> matches = new Matcher(snapshot).match(parts);
                assertThat(matches).extracting(Match::documentId).containsExactly("top", "big", "small");
                assertThat(matches.get(1).passages()).extracting(Passage::part).containsOnly("b.zip!/c.txt");
                assertThat(matches.get(1).documentCoverage()).isBetween(0.5, 0.8);
            }
        }
    }

    @Test
    void passagesInSeveralPartsAddUp() throws IOException {
        String excerptA = excerpt(secret, 500, 300);
        String excerptB = excerpt(secret, 3500, 300);
        List<Match> alone = matchOne(excerptA);
        try (Catalogue catalogue = catalogueWith("plan", secret); CatalogueSnapshot snapshot = catalogue.snapshot()) {
            List<Match> both = new Matcher(snapshot).match(List.of(part("a.txt", excerptA), part("b.txt", excerptB)));
            assertThat(both).singleElement().satisfies(m -> {
                assertThat(m.passages()).extracting(Passage::part).containsExactly("a.txt", "b.txt");
                assertThat(m.matchedChars()).isGreaterThan(alone.get(0).matchedChars());
            });
        }
    }

    @Test
    void theEdgesOfASharedNoticeDoNotMatchWhateverSurroundsIt() throws IOException {
        // Winnowing picks the fingerprints at a passage's edges by looking at the text around
        // it, so each document can have edge fingerprints of the notice that the others lack.
        String notice = latin(70, 400);
        try (Catalogue catalogue = Catalogue.open(dir, OpenMode.CREATE_IF_MISSING)) {
            for (int d = 0; d < 4; d++) {
                catalogue.add(meta("d" + d, "secret"), latin(200 + d, 1500) + notice + latin(300 + d, 1500));
            }
            catalogue.commit();
            try (CatalogueSnapshot snapshot = catalogue.snapshot()) {
                Matcher matcher = new Matcher(snapshot);
                for (int seed = 0; seed < 200; seed++) {
                    String content = latin(1000 + seed, 300 + seed) + notice + latin(2000 + seed, 300);
                    assertThat(matcher.match(List.of(part("mail.txt", content)))).as("seed %d", seed).isEmpty();
                    assertThat(matcher.match(List.of(part("notice.txt", notice)))).isEmpty();
                }
            }
        }
    }

    @Test
    void aPassageOfTwoWindowsRightAfterTheNoticeIsStillFound() throws IOException {
        String notice = latin(71, 400);
        int adjoining = 2 * FingerprintScheme.DEFAULT.window() - 1;
        try (Catalogue catalogue = Catalogue.open(dir, OpenMode.CREATE_IF_MISSING)) {
            String[] docs = new String[4];
            for (int d = 0; d < 4; d++) {
                docs[d] = notice + latin(400 + d, 3000);
                catalogue.add(meta("d" + d, "secret"), docs[d]);
            }
            catalogue.commit();
            try (CatalogueSnapshot snapshot = catalogue.snapshot()) {
                Matcher matcher = new Matcher(snapshot);
                for (int d = 0; d < 4; d++) {
                    String passage = excerpt(docs[d], notice.length(), adjoining);
                    String content = latin(500 + d, 700) + notice + passage + latin(600 + d, 700);
                    assertThat(matcher.match(List.of(part("mail.txt", content))))
                            .extracting(Match::documentId).as("document %d", d).containsExactly("d" + d);
                }
            }
        }
    }

    private void addThreeDocumentsSharing(Catalogue catalogue, String notice) {
        catalogue.add(meta("d1", "secret"), latin(1, 2000) + notice);
        catalogue.add(meta("d2", "confidential"), notice + latin(2, 2000));
        catalogue.add(meta("d3", "secret"), latin(3, 1000) + notice + latin(4, 1000));
        catalogue.commit();
    }

    private List<Match> matchOne(String content) throws IOException {
        try (Catalogue catalogue = catalogueWith("plan", secret); CatalogueSnapshot snapshot = catalogue.snapshot()) {
            return new Matcher(snapshot).match(List.of(part("mail.txt", content)));
        }
    }

    private Catalogue catalogueWith(String id, String text) {
        Catalogue catalogue = Catalogue.open(dir.resolve("cat-" + id), OpenMode.CREATE_IF_MISSING);
        catalogue.add(meta(id, "secret"), text);
        catalogue.add(meta("unrelated", "confidential"), latin(999, 5000));
        catalogue.commit();
        return catalogue;
    }

    /** The shortest substring from {@code start} with at least {@code normalized} normalised chars. */
    private static String excerpt(String text, int start, int normalized) {
        int end = start + normalized;
        while (TextNormalizer.normalize(text.substring(start, end)).length() < normalized) {
            end++;
        }
        return text.substring(start, end);
    }

    private static String fullWidth(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            out.append(c > ' ' && c < 0x7F ? (char) (c + 0xFEE0) : c);
        }
        return out.toString();
    }

    private static ExtractedPart part(String path, String text) {
        return new ExtractedPart(path, "text/plain", text.length(), ExtractionStatus.COMPLETE, null, text);
    }
}
