package io.sekisho.benchmarks;

import io.sekisho.catalogue.Catalogue;
import io.sekisho.catalogue.CatalogueDocument;
import io.sekisho.catalogue.CatalogueSnapshot;
import io.sekisho.catalogue.OpenMode;
import io.sekisho.fingerprint.FingerprintScheme;
import io.sekisho.fingerprint.Fingerprints;
import io.sekisho.fingerprint.Winnower;
import io.sekisho.testing.TextGen;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Catalogue look-ups per second with about 10^6 fingerprints indexed. A batch is what one
 * inspected file asks: its distinct fingerprints, sorted; here half of them are in the catalogue
 * and half are not. Scores are look-ups (fingerprints) per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class LookupBenchmark {
    static final int BATCH = 10_000;
    static final int TARGET_FINGERPRINTS = 1_000_000;

    private Path dir;
    private Catalogue catalogue;
    private CatalogueSnapshot snapshot;
    private long[][] batches;
    private int next;

    @Setup(Level.Trial)
    public void buildCatalogue() throws IOException {
        dir = Files.createTempDirectory("sekisho-lookup-bench");
        catalogue = Catalogue.open(dir, OpenMode.CREATE_IF_MISSING);
        Winnower winnower = new Winnower(FingerprintScheme.DEFAULT);
        Random random = new Random(1);
        long total = 0;
        long[] sample = new long[TARGET_FINGERPRINTS];
        int sampled = 0;
        for (int i = 0; total < TARGET_FINGERPRINTS; i++) {
            String text = TextGen.latin(random, 10_000);
            Fingerprints fps = winnower.fingerprint(text);
            for (int j = 0; j < fps.size() && sampled < sample.length; j++) {
                sample[sampled++] = fps.hash(j);
            }
            catalogue.add(new CatalogueDocument("doc-" + i, "secret", null, null, null, null, List.of(), Instant.now()), text);
            total += fps.size();
            if (i % 1000 == 999) {
                catalogue.commit();
            }
        }
        catalogue.commit();
        snapshot = catalogue.snapshot();
        System.out.println("\ncatalogue: " + catalogue.stats().documents() + " documents, "
                + catalogue.stats().fingerprints() + " fingerprints");
        batches = new long[16][];
        for (int b = 0; b < batches.length; b++) {
            long[] batch = new long[BATCH];
            for (int i = 0; i < BATCH; i++) {
                batch[i] = i % 2 == 0 ? sample[random.nextInt(sampled)] : random.nextLong();
            }
            batches[b] = Arrays.stream(batch).distinct().sorted().toArray();
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        snapshot.close();
        catalogue.close();
        Folders.delete(dir);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void lookUpABatch(Blackhole hole) {
        long[] batch = batches[next++ & (batches.length - 1)];
        snapshot.lookup(batch, (hashIndex, documentRef) -> hole.consume(documentRef));
    }
}
