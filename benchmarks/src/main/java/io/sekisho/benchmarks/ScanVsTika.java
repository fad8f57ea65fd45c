package io.sekisho.benchmarks;

import io.sekisho.catalogue.Catalogue;
import io.sekisho.catalogue.CatalogueDocument;
import io.sekisho.catalogue.OpenMode;
import io.sekisho.cli.Main;
import io.sekisho.testing.Formats;
import io.sekisho.testing.TextGen;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.RecursiveParserWrapper;
import org.apache.tika.sax.BasicContentHandlerFactory;
import org.apache.tika.sax.RecursiveParserWrapperHandler;
import picocli.CommandLine;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * {@code sekisho scan} (the real command: worker processes, fingerprinting, catalogue look-ups)
 * against bare in-process Tika extraction of the same files with the same recursion and the same
 * parallelism. Usage: {@code java -cp benchmarks/target/benchmarks.jar io.sekisho.benchmarks.ScanVsTika [texts] [rounds]}.
 */
public final class ScanVsTika {
    public static void main(String[] args) throws Exception {
        int texts = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int threads = 2;
        Path work = Files.createTempDirectory("sekisho-scan-bench");
        Path corpus = work.resolve("corpus");
        Random random = new Random(3);
        Path catalogueDir = work.resolve("catalogue");
        List<String> docs = new ArrayList<>();
        try (Catalogue catalogue = Catalogue.open(catalogueDir, OpenMode.CREATE_IF_MISSING)) {
            for (int i = 0; i < 1000; i++) {
                String text = TextGen.latin(random, 5000);
                docs.add(text);
                catalogue.add(new CatalogueDocument("doc-" + i, "secret", null, null, null, null, List.of(), Instant.now()), text);
            }
            catalogue.commit();
        }
        for (int i = 0; i < texts; i++) {
            String text = TextGen.latin(random, 10_000) + "\n" + docs.get(i).substring(1000, 1600) + "\n"
                    + TextGen.latin(random, 10_000);
            Formats.all(text, corpus.resolve("t" + i));
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(corpus)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        long bytes = 0;
        for (Path f : files) {
            bytes += Files.size(f);
        }
        System.out.printf(Locale.ROOT, "corpus: %d files, %.1f MB (%d texts of ~21 kB in %d formats), catalogue 1000 documents, %d threads%n",
                files.size(), bytes / 1e6, texts, files.size() / texts, threads);

        AutoDetectParser parser = new AutoDetectParser();
        double bestTika = Double.MAX_VALUE;
        double bestScan = Double.MAX_VALUE;
        for (int round = 0; round <= rounds; round++) { // round 0 warms up both
            long t0 = System.nanoTime();
            bareTika(parser, files, threads);
            double tika = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            CommandLine cli = Main.commandLine();
            cli.setOut(new PrintWriter(Writer.nullWriter()));
            int code = cli.execute("scan", "--catalogue", catalogueDir.toString(), corpus.toString());
            double scan = (System.nanoTime() - t0) / 1e9;
            if (code != 1) {
                throw new IllegalStateException("scan should have found the excerpts, exit " + code);
            }
            System.out.printf(Locale.ROOT, "round %d: bare Tika %.2f s (%.1f files/s), sekisho scan %.2f s (%.1f files/s)%s%n",
                    round, tika, files.size() / tika, scan, files.size() / scan, round == 0 ? "  [warm-up]" : "");
            if (round > 0) {
                bestTika = Math.min(bestTika, tika);
                bestScan = Math.min(bestScan, scan);
            }
        }
        System.out.printf(Locale.ROOT, "best: bare Tika %.1f files/s %.2f MB/s; sekisho scan %.1f files/s %.2f MB/s; scan/Tika = %.2fx%n",
                files.size() / bestTika, bytes / 1e6 / bestTika, files.size() / bestScan, bytes / 1e6 / bestScan,
                bestTika / bestScan);
    }

    private static void bareTika(AutoDetectParser parser, List<Path> files, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (Path f : files) {
                results.add(pool.submit(() -> {
                    RecursiveParserWrapper wrapper = new RecursiveParserWrapper(parser);
                    RecursiveParserWrapperHandler handler = new RecursiveParserWrapperHandler(
                            new BasicContentHandlerFactory(BasicContentHandlerFactory.HANDLER_TYPE.TEXT, -1));
                    ParseContext context = new ParseContext();
                    try (InputStream in = Files.newInputStream(f)) {
                        wrapper.parse(in, handler, new Metadata(), context);
                    } catch (Exception e) {
                        // counted like any parse: bare Tika reports nothing else
                    }
                    return handler.getMetadataList().size();
                }));
            }
            for (Future<Integer> r : results) {
                r.get();
            }
        } finally {
            pool.shutdown();
        }
    }
}
