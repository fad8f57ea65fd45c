package io.sekisho.catalogue;

import static io.sekisho.catalogue.TestTexts.latin;
import static io.sekisho.catalogue.TestTexts.meta;
import static org.assertj.core.api.Assertions.assertThat;

import io.sekisho.fingerprint.FingerprintScheme;
import io.sekisho.fingerprint.Winnower;
import java.nio.file.Path;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FingerprintFilterTest {

    private static final Winnower WINNOWER = new Winnower(FingerprintScheme.DEFAULT);

    @Test
    void neverRejectsAnIndexedFingerprintAndRejectsMostOthers(@TempDir Path dir) throws Exception {
        try (Catalogue catalogue = Catalogue.open(dir, OpenMode.CREATE_IF_MISSING)) {
            for (int d = 0; d < 200; d++) {
                catalogue.add(meta("d" + d, "secret"), latin(d, 5000));
            }
        }
        try (var directory = FSDirectory.open(dir.resolve("index"));
             DirectoryReader reader = DirectoryReader.open(directory)) {
            FingerprintFilter filter = FingerprintFilter.build(reader.leaves());
            for (int d = 0; d < 200; d++) {
                for (long hash : WINNOWER.fingerprint(latin(d, 5000)).distinctHashes()) {
                    assertThat(filter.mightContain(hash)).isTrue();
                }
            }
            // Other texts' fingerprints are window minima too, crowded at the low end like the
            // indexed ones: the filter must still tell them apart.
            long[] absent = WINNOWER.fingerprint(latin(10_000, 500_000)).distinctHashes();
            long passed = java.util.Arrays.stream(absent).filter(filter::mightContain).count();
            assertThat(passed).isLessThan(absent.length / 20);
        }
    }
}
