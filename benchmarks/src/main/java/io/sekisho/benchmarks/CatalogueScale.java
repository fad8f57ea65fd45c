package io.sekisho.benchmarks;

import io.sekisho.catalogue.Catalogue;
import io.sekisho.catalogue.CatalogueDocument;
import io.sekisho.catalogue.CatalogueSnapshot;
import io.sekisho.catalogue.CatalogueStats;
import io.sekisho.catalogue.OpenMode;
import io.sekisho.extract.ExtractedPart;
import io.sekisho.extract.ExtractionStatus;
import io.sekisho.match.Match;
import io.sekisho.match.Matcher;
import io.sekisho.testing.TextGen;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Catalogue build time, index size and matching speed with a real company's catalogue size.
 * Documents are 5,000 characters of generated text each, registered through the catalogue API
 * (the text already extracted, so this measures the index, not Tika).
 * Usage: {@code java -Xmx4g -cp benchmarks/target/benchmarks.jar io.sekisho.benchmarks.CatalogueScale [documents...]}.
 */
public final class CatalogueScale {
    public static void main(String[] args) throws Exception {
        int[] sizes = args.length == 0 ? new int[] {10_000, 100_000} : Stream.of(args).mapToInt(Integer::parseInt).toArray();
        for (int size : sizes) {
            run(size);
        }
    }

    private static void run(int documents) throws Exception {
        Path dir = Files.createTempDirectory("sekisho-scale");
        Random random = new Random(documents);
        List<String> sampleDocs = new ArrayList<>();
        long chars = 0;
        long t0 = System.nanoTime();
        long generating = 0;
        try (Catalogue catalogue = Catalogue.open(dir, OpenMode.CREATE_IF_MISSING)) {
            for (int i = 0; i < documents; i++) {
                long g = System.nanoTime();
                String text = TextGen.latin(random, 5000);
                generating += System.nanoTime() - g;
                chars += text.length();
                if (i % (documents / 50) == 0) {
                    sampleDocs.add(text);
                }
                catalogue.add(new CatalogueDocument("doc-" + i, "secret", null, null, null, null, List.of(), Instant.now()), text);
                if (i % 5000 == 4999) {
                    catalogue.commit();
                }
            }
            catalogue.commit();
            double build = (System.nanoTime() - t0 - generating) / 1e9;
            CatalogueStats stats = catalogue.stats();
            System.out.printf(Locale.ROOT, "%,d documents (%.0f MB of text): build %.1f s (%.0f documents/s), %,d fingerprints, index %.1f MB%n",
                    documents, chars / 1e6, build, documents / build, stats.fingerprints(), stats.indexBytes() / 1e6);

            // Matching: 200 outgoing texts of 20,000 characters, half with a 600-character excerpt.
            List<List<ExtractedPart>> contents = new ArrayList<>();
            long contentChars = 0;
            for (int i = 0; i < 200; i++) {
                String text = TextGen.latin(random, 10_000)
                        + (i % 2 == 0 ? "\n" + sampleDocs.get(i % sampleDocs.size()).substring(2000, 2600) + "\n" : "\n")
                        + TextGen.latin(random, 10_000);
                contentChars += text.length();
                contents.add(List.of(new ExtractedPart("out.txt", "text/plain", text.length(), ExtractionStatus.COMPLETE, null, text)));
            }
            try (CatalogueSnapshot snapshot = catalogue.snapshot()) {
                Matcher matcher = new Matcher(snapshot);
                int found = 0;
                double best = Double.MAX_VALUE;
                for (int round = 0; round < 4; round++) {
                    found = 0;
                    long m0 = System.nanoTime();
                    for (List<ExtractedPart> parts : contents) {
                        List<Match> matches = matcher.match(parts);
                        found += matches.isEmpty() ? 0 : 1;
                    }
                    double s = (System.nanoTime() - m0) / 1e9;
                    if (round > 0) {
                        best = Math.min(best, s);
                    }
                }
                System.out.printf(Locale.ROOT, "  matching: %d texts of 20k chars in %.3f s: %.0f texts/s, %.1f MB/s, %.2f ms per text; %d of 100 excerpts found%n",
                        contents.size(), best, contents.size() / best, contentChars / 1e6 / best,
                        best * 1000 / contents.size(), found);
            }
        } finally {
            Folders.delete(dir);
        }
    }
}
