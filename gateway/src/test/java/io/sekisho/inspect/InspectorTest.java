package io.sekisho.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import io.sekisho.catalogue.Catalogue;
import io.sekisho.catalogue.CatalogueDocument;
import io.sekisho.catalogue.CatalogueSnapshot;
import io.sekisho.catalogue.OpenMode;
import io.sekisho.extract.ExtractionLimits;
import io.sekisho.extract.IsolatedExtractor;
import io.sekisho.match.Match;
import io.sekisho.match.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectorTest {
    private static final String DOCUMENT = "半導体洗浄プロセス-SC-118.txt";

    @TempDir
    Path dir;

    /**
     * Mail bodies in the charsets Japanese mail uses, with an excerpt of a Japanese catalogue
     * document, are found with no worker process at all: the extractor here cannot start one.
     */
    @Test
    void findsAJapaneseExcerptInPlainMailBodiesWithoutAWorker() throws IOException {
        String document = demoDocument();
        String excerpt = document.substring(document.length() / 2, document.length() / 2 + 300);
        try (Catalogue catalogue = Catalogue.open(dir.resolve("catalogue"), OpenMode.CREATE_IF_MISSING)) {
            catalogue.add(new CatalogueDocument("SC-118", "secret", "cleaning", null, null, null, List.of(),
                    Instant.now()), document);
            catalogue.commit();
            try (CatalogueSnapshot snapshot = catalogue.snapshot();
                 IsolatedExtractor noWorkers = new IsolatedExtractor(ExtractionLimits.defaults().withWorkerHeap("1k"))) {
                Matcher matcher = new Matcher(snapshot);
                Inspector inspector = new Inspector(noWorkers, () -> matcher);
                for (String charset : List.of("UTF-8", "ISO-2022-JP", "Shift_JIS")) {
                    String body = "お世話になっております。\r\n" + excerpt.replace("\n", "\r\n") + "\r\nよろしくお願いします。\r\n";
                    Path file = Files.write(dir.resolve("body-" + charset + ".txt"), body.getBytes(Charset.forName(charset)));

                    Inspection inspection = inspector.inspect("body-1.txt", file, "text/plain; charset=" + charset);

                    assertThat(inspection.inspected()).as(charset).isTrue();
                    assertThat(inspection.matches()).as(charset).extracting(Match::documentId).containsExactly("SC-118");
                }
            }
        }
    }

    private static String demoDocument() throws IOException {
        try (InputStream in = InspectorTest.class.getResourceAsStream("/io/sekisho/demo/documents/" + DOCUMENT)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
