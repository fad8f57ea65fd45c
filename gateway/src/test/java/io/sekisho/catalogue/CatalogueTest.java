package io.sekisho.catalogue;

import static io.sekisho.catalogue.TestTexts.latin;
import static io.sekisho.catalogue.TestTexts.meta;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sekisho.fingerprint.FingerprintScheme;
import io.sekisho.fingerprint.Fingerprints;
import io.sekisho.fingerprint.Winnower;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogueTest {

    @TempDir
    Path dir;

    private static final Winnower WINNOWER = new Winnower(FingerprintScheme.DEFAULT);

    @Test
    void creatingWritesSettingsAndStampsTheScheme() throws IOException {
        try (Catalogue catalogue = Catalogue.open(dir.resolve("cat"), OpenMode.CREATE_IF_MISSING)) {
            assertThat(catalogue.stats().schemeId()).isEqualTo(FingerprintScheme.DEFAULT.id());
        }
        String json = Files.readString(dir.resolve("cat/catalogue.json"));
        assertThat(json).contains("top-secret", "confidential", "minDocuments");
        try (Catalogue reopened = Catalogue.open(dir.resolve("cat"), OpenMode.MUST_EXIST)) {
            assertThat(reopened.settings()).isEqualTo(CatalogueSettings.DEFAULT);
        }
    }

    @Test
    void readingAMissingCatalogueFailsWithAClearMessage() {
        assertThatThrownBy(() -> Catalogue.open(dir.resolve("nope"), OpenMode.MUST_EXIST))
                .isInstanceOf(CatalogueException.class)
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> Catalogue.open(dir, OpenMode.MUST_EXIST))
                .isInstanceOf(CatalogueException.class)
                .hasMessageContaining("no catalogue in");
    }

    @Test
    void unknownClassificationIsRejectedNamingTheLevels() throws IOException {
        try (Catalogue catalogue = Catalogue.open(dir, OpenMode.CREATE_IF_MISSING)) {
            assertThatThrownBy(() -> catalogue.add(meta("d1", "internal"), latin(1, 1000)))
                    .isInstanceOf(CatalogueException.class)
                    .hasMessageContaining("'internal'")
                    .hasMessageContaining("top-secret, secret, confidential");
        }
    }

    @Test
    void customLevelsAndThresholdAreKeptAndValidated() throws IOException {
        var settings = new CatalogueSettings(List.of("restricted", "internal"), 5);
        try (Catalogue catalogue = Catalogue.open(dir, OpenMode.CREATE_IF_MISSING, settings)) {
            catalogue.add(meta("d1", "internal"), latin(1, 1000));
        }
        try (Catalogue catalogue = Catalogue.open(dir, OpenMode.MUST_EXIST)) {
            assertThat(catalogue.settings()).isEqualTo(settings);
            assertThat(catalogue.stats().documentsPerLevel()).containsExactly(
                    Map.entry("restricted", 0), Map.entry("internal", 1));
        }
        assertThatThrownBy(() -> new CatalogueSettings(List.of(), 3)).isInstanceOf(CatalogueException.class);
        assertThatThrownBy(() -> new CatalogueSettings(List.of("a", "a"), 3)).hasMessageContaining("twice");
        assertThatThrownBy(() -> new CatalogueSettings(List.of("Top Secret"), 3)).hasMessageContaining("valid level");
        assertThatThrownBy(() -> new CatalogueSettings(List.of("a"), 1)).hasMessageContaining("minDocuments");
    }

    @Test
    void reAddingAnIdReplacesOnlyThatDocument() throws IOException {
        String first = latin(1, 3000);
        String second = latin(2, 3000);
        try (Catalogue catalogue = Catalogue.open(dir, OpenMode.CREATE_IF_MISSING)) {
            catalogue.add(meta("d1", "secret"), first);
            catalogue.add(meta("other", "secret"), latin(3, 3000));
            catalogue.commit();
            catalogue.add(meta("d1", "confidential"), second);
            catalogue.commit();
            assertThat(catalogue.list()).extracting(CatalogueDocument::id).containsExactly("d1", "other");
            assertThat(catalogue.list().get(0).classification()).isEqualTo("confidential");
            try (CatalogueSnapshot snapshot = catalogue.snapshot()) {
                assertThat(documentsFound(snapshot, first)).isEmpty();
                assertThat(documentsFound(snapshot, second)).containsOnly("d1");
                assertThat(snapshot.documentCount()).isEqualTo(2);
            }
        }
    }

    @Test
    void removeDeletesTheDocumentAndSaysWhetherItExisted() throws IOException {
        String text = latin(1, 3000);
        try (Catalogue catalogue = Catalogue.open(dir, OpenMode.CREATE_IF_MISSING)) {
            catalogue.add(meta("d1", "secret"), text);
            catalogue.commit();
            assertThat(catalogue.remove("d1")).isTrue();
            assertThat(catalogue.remove("d1")).isFalse();
            assertThat(catalogue.remove("never")).isFalse();
            catalogue.commit();
            assertThat(catalogue.list()).isEmpty();
            try (CatalogueSnapshot snapshot = catalogue.snapshot()) {
                assertThat(documentsFound(snapshot, text)).isEmpty();
            }
        }
    }

    @Test
    void listIsSortedByIdAndStatsCountPerLevel() throws IOException {
        try (Catalogue catalogue = Catalogue.open(dir, OpenMode.CREATE_IF_MISSING)) {
            catalogue.add(meta("c", "secret"), latin(1, 5000));
            catalogue.add(meta("a", "top-secret"), latin(2, 5000));
            catalogue.add(meta("b", "secret"), latin(3, 100)); // too short for any fingerprint
            catalogue.ignore("licence", latin(4, 2000));
            catalogue.commit();
            List<CatalogueDocument> docs = catalogue.list();
            assertThat(docs).extracting(CatalogueDocument::id).containsExactly("a", "b", "c");
            assertThat(docs.get(0).fingerprints()).isBetween(80, 160);
            assertThat(docs.get(0).title()).isEqualTo("Title of a");
            assertThat(docs.get(0).tags()).containsExactly("test");
            CatalogueStats stats = catalogue.stats();
            assertThat(stats.documents()).isEqualTo(3);
            assertThat(stats.documentsPerLevel()).containsExactly(
                    Map.entry("top-secret", 1), Map.entry("secret", 2), Map.entry("confidential", 0));
            assertThat(stats.fingerprints()).isEqualTo(docs.stream().mapToLong(CatalogueDocument::fingerprints).sum());
            assertThat(stats.distinctFingerprints()).isEqualTo(stats.fingerprints());
            assertThat(stats.ignoredTexts()).containsExactly("licence");
            assertThat(stats.indexBytes()).isPositive();
            assertThat(stats.boilerplateMinDocuments()).isEqualTo(3);
        }
    }

    @Test
    void ignoredTextNeverHitsAndCanBeUnignored() throws IOException {
        String notice = latin(9, 1500);
        try (Catalogue catalogue = Catalogue.open(dir, OpenMode.CREATE_IF_MISSING)) {
            catalogue.add(meta("d1", "secret"), latin(1, 2000) + notice);
            catalogue.ignore("notice", notice);
            catalogue.commit();
            try (CatalogueSnapshot snapshot = catalogue.snapshot()) {
                assertThat(documentsFound(snapshot, notice)).isEmpty();
            }
            assertThat(catalogue.ignored()).containsExactly("notice");
            assertThat(catalogue.unignore("notice")).isTrue();
            assertThat(catalogue.unignore("notice")).isFalse();
            catalogue.commit();
            try (CatalogueSnapshot snapshot = catalogue.snapshot()) {
                assertThat(documentsFound(snapshot, notice)).containsOnly("d1");
            }
        }
    }

    @Test
    void fingerprintInMinDocumentsOrMoreIsCommonText() throws IOException {
        String notice = latin(9, 1500);
        try (Catalogue catalogue = Catalogue.open(dir, OpenMode.CREATE_IF_MISSING)) {
            catalogue.add(meta("d1", "secret"), latin(1, 2000) + notice);
            catalogue.add(meta("d2", "secret"), notice + latin(2, 2000));
            catalogue.commit();
            try (CatalogueSnapshot snapshot = catalogue.snapshot()) {
                assertThat(documentsFound(snapshot, notice)).containsOnly("d1", "d2");
            }
            catalogue.add(meta("d3", "secret"), latin(3, 1000) + notice + latin(4, 1000));
            catalogue.commit();
            try (CatalogueSnapshot snapshot = catalogue.snapshot()) {
                assertThat(documentsFound(snapshot, notice)).isEmpty();
            }
        }
    }

    @Test
    void catalogueBuiltWithAnotherSchemeIsRefused() throws IOException {
        try (Catalogue catalogue = Catalogue.open(dir, OpenMode.CREATE_IF_MISSING)) {
            catalogue.add(meta("d1", "secret"), latin(1, 1000));
        }
        try (var directory = FSDirectory.open(dir.resolve("index"));
             var writer = new IndexWriter(directory, new IndexWriterConfig())) {
            writer.setLiveCommitData(Map.of("sekisho.fingerprint.scheme", "sekisho-fp/0 k=30").entrySet());
            writer.commit();
        }
        assertThatThrownBy(() -> Catalogue.open(dir, OpenMode.MUST_EXIST))
                .isInstanceOf(CatalogueException.class)
                .hasMessageContaining("was built with fingerprint scheme 'sekisho-fp/0 k=30'")
                .hasMessageContaining(FingerprintScheme.DEFAULT.id())
                .hasMessageContaining("rebuild");
        assertThatThrownBy(() -> Catalogue.open(dir, OpenMode.CREATE_IF_MISSING))
                .isInstanceOf(CatalogueException.class);
    }

    @Test
    void catalogueBuiltBeforeTheHashChangeIsRefusedWithARebuildMessage() throws IOException {
        // The id every catalogue carried before hash poly64-fmix64/2: its fingerprints can never
        // equal today's, so it would match nothing at all if it were opened.
        String previous = "sekisho-fp/1 norm=nfkc-cf-alnum/1 k=40 w=81 hash=poly64-fmix64/1";
        assertThat(previous).isNotEqualTo(FingerprintScheme.DEFAULT.id());
        try (Catalogue catalogue = Catalogue.open(dir, OpenMode.CREATE_IF_MISSING)) {
            catalogue.add(meta("d1", "secret"), latin(1, 1000));
        }
        try (var directory = FSDirectory.open(dir.resolve("index"));
             var writer = new IndexWriter(directory, new IndexWriterConfig())) {
            writer.setLiveCommitData(Map.of("sekisho.fingerprint.scheme", previous).entrySet());
            writer.commit();
        }
        assertThatThrownBy(() -> Catalogue.open(dir, OpenMode.MUST_EXIST))
                .isInstanceOf(CatalogueException.class)
                .hasMessage("catalogue " + dir + " was built with fingerprint scheme '" + previous
                        + "'; this Sekisho uses '" + FingerprintScheme.DEFAULT.id() + "': rebuild it (move the"
                        + " folder away and register the documents again with 'sekisho catalogue add')");
    }

    @Test
    void damagedIndexIsReportedInOneLine() throws IOException {
        try (Catalogue catalogue = Catalogue.open(dir, OpenMode.CREATE_IF_MISSING)) {
            catalogue.add(meta("d1", "secret"), latin(1, 1000));
        }
        try (var files = Files.list(dir.resolve("index"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("segments_")).toList()) {
                Files.write(file, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            }
        }
        assertThatThrownBy(() -> Catalogue.open(dir, OpenMode.MUST_EXIST))
                .isInstanceOf(CatalogueException.class)
                .hasMessageContaining("damaged")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void secondWriterIsToldTheCatalogueIsLocked() throws IOException {
        try (Catalogue first = Catalogue.open(dir, OpenMode.CREATE_IF_MISSING);
             Catalogue second = Catalogue.open(dir, OpenMode.CREATE_IF_MISSING)) {
            first.add(meta("d1", "secret"), latin(1, 1000));
            assertThatThrownBy(() -> second.add(meta("d2", "secret"), latin(2, 1000)))
                    .isInstanceOf(CatalogueException.class)
                    .hasMessageContaining("being changed by another process");
        }
    }

    @Test
    void refreshedSnapshotSeesDocumentAddedByAnotherInstance() throws IOException {
        String text = latin(1, 3000);
        try (Catalogue creator = Catalogue.open(dir, OpenMode.CREATE_IF_MISSING)) {
            creator.add(meta("d0", "secret"), latin(2, 3000));
        }
        try (Catalogue reader = Catalogue.open(dir, OpenMode.MUST_EXIST)) {
            CatalogueSnapshot snapshot = reader.snapshot();
            assertThat(documentsFound(snapshot, text)).isEmpty();
            assertThat(snapshot.refreshed()).isSameAs(snapshot);
            try (Catalogue writer = Catalogue.open(dir, OpenMode.CREATE_IF_MISSING)) {
                writer.add(meta("d1", "secret"), text);
            }
            CatalogueSnapshot refreshed = snapshot.refreshed();
            assertThat(refreshed).isNotSameAs(snapshot);
            assertThat(documentsFound(snapshot, text)).as("old snapshot is point-in-time").isEmpty();
            snapshot.close();
            assertThat(documentsFound(refreshed, text)).containsOnly("d1");
            refreshed.close();
        }
    }

    @Test
    void lookupRejectsUnsortedHashes() throws IOException {
        try (Catalogue catalogue = Catalogue.open(dir, OpenMode.CREATE_IF_MISSING);
             CatalogueSnapshot snapshot = catalogue.snapshot()) {
            assertThatThrownBy(() -> snapshot.lookup(new long[] {2, 1}, (i, d) -> { }))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    static List<String> documentsFound(CatalogueSnapshot snapshot, String text) {
        Fingerprints f = WINNOWER.fingerprint(text);
        List<String> ids = new ArrayList<>();
        snapshot.lookup(f.distinctHashes(), (i, ref) -> {
            String id = snapshot.document(ref).id();
            if (!ids.contains(id)) {
                ids.add(id);
            }
        });
        return ids;
    }
}
