package io.sekisho.match;

import static io.sekisho.catalogue.TestTexts.latin;
import static io.sekisho.catalogue.TestTexts.meta;
import static org.assertj.core.api.Assertions.assertThat;

import io.sekisho.catalogue.Catalogue;
import io.sekisho.catalogue.CatalogueSnapshot;
import io.sekisho.catalogue.OpenMode;
import io.sekisho.extract.ExtractedPart;
import io.sekisho.extract.ExtractionStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentMatchingTest {

    @Test
    void oneSnapshotServesConcurrentScansWithIdenticalResults(@TempDir Path dir) throws Exception {
        try (Catalogue catalogue = Catalogue.open(dir, OpenMode.CREATE_IF_MISSING)) {
            for (int d = 0; d < 20; d++) {
                catalogue.add(meta("d" + d, d % 2 == 0 ? "secret" : "confidential"), latin(d, 4000));
            }
            catalogue.commit();
            try (CatalogueSnapshot snapshot = catalogue.snapshot()) {
                Matcher matcher = new Matcher(snapshot);
                List<ExtractedPart> parts = new ArrayList<>();
                for (int d = 0; d < 20; d += 3) {
                    String text = latin(1000 + d, 2000) + latin(d, 4000).substring(1000, 1500);
                    parts.add(new ExtractedPart("p" + d, "text/plain", -1, ExtractionStatus.COMPLETE, null, text));
                }
                List<Match> expected = matcher.match(parts);
                assertThat(expected).hasSize(7);
                ExecutorService pool = Executors.newFixedThreadPool(4);
                try {
                    List<Future<List<Match>>> results = new ArrayList<>();
                    for (int i = 0; i < 40; i++) {
                        results.add(pool.submit(() -> matcher.match(parts)));
                    }
                    for (Future<List<Match>> result : results) {
                        assertThat(result.get()).isEqualTo(expected);
                    }
                } finally {
                    pool.shutdown();
                }
            }
        }
    }
}
