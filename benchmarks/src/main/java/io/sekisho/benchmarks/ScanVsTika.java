package io.sekisho.benchmarks;

import io.sekisho.catalogue.Catalogue;
import io.sekisho.catalogue.CatalogueDocument;
import io.sekisho.catalogue.CatalogueSnapshot;
import io.sekisho.catalogue.OpenMode;
import io.sekisho.extract.ExtractionLimits;
import io.sekisho.extract.IsolatedExtractor;
import io.sekisho.inspect.Inspection;
import io.sekisho.inspect.Inspector;
import io.sekisho.match.Matcher;
import io.sekisho.testing.Formats;
import io.sekisho.testing.TextGen;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.RecursiveParserWrapper;
import org.apache.tika.sax.BasicContentHandlerFactory;
import org.apache.tika.sax.RecursiveParserWrapperHandler;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Inspection against bare Tika extraction of the same files, with the same recursion and the same
 * parallelism (2 threads), measured two ways:
 * <ul>
 *   <li>cold: a new JVM per run, as a user runs {@code sekisho scan} from a shell, against a new
 *       JVM that only extracts the files with Tika in-process;</li>
 *   <li>warm: inside one JVM, the gateway's case (long-lived worker processes), against in-process
 *       Tika after the same warm-up.</li>
 * </ul>
 * Each round also prints the CPU seconds of this JVM and of its child processes (the extraction
 * workers, or the cold run's JVM and its workers): on a shared machine CPU per file holds steady
 * where wall time does not.
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.sekisho.benchmarks.ScanVsTika [texts] [rounds] [warm-only]}.
 */
public final class ScanVsTika {
    private static final int THREADS = 2;

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("bare-tika")) {
            List<Path> files = listFiles(Path.of(args[1]));
            bareTika(new AutoDetectParser(), files);
            return;
        }
        int texts = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path work = Files.createTempDirectory("sekisho-scan-bench");
        try {
            Path corpus = work.resolve("corpus");
            Path catalogueDir = work.resolve("catalogue");
            buildCorpus(texts, corpus, catalogueDir);
            List<Path> files = listFiles(corpus);
            long bytes = 0;
            for (Path f : files) {
                bytes += Files.size(f);
            }
            System.out.printf(Locale.ROOT, "corpus: %d files, %.1f MB (%d texts of ~21 kB in %d formats), catalogue of 1000 documents, %d threads%n",
                    files.size(), bytes / 1e6, texts, files.size() / texts, THREADS);

            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String cp = System.getProperty("java.class.path");
            boolean warmOnly = args.length > 2 && args[2].equals("warm-only");
            double coldTika = warmOnly ? Double.NaN : best(rounds, "cold bare Tika (new JVM)", files.size(), () ->
                    run(java, "-cp", cp, ScanVsTika.class.getName(), "bare-tika", corpus.toString()));
            // Cold `scan` as a user starts it: through the checkout's ./sekisho when the benchmark runs
            // from the repository root (it chooses the JVM's compiler for `scan`), else the jar's main class.
            Path launcher = Path.of("sekisho");
            List<String> scan = Files.isExecutable(launcher) && Files.isRegularFile(launcher)
                    ? List.of(launcher.toAbsolutePath().toString(), "scan")
                    : List.of(java, "-cp", cp, "io.sekisho.cli.Main", "scan");
            System.out.println("cold scan runs: " + String.join(" ", scan));
            double coldScan = warmOnly ? Double.NaN : best(rounds, "cold sekisho scan (new JVM)", files.size(), () -> {
                List<String> command = new java.util.ArrayList<>(scan);
                command.addAll(List.of("--catalogue", catalogueDir.toString(), corpus.toString()));
                return run(command.toArray(new String[0]));
            });

            AutoDetectParser parser = new AutoDetectParser();
            double warmTika = best(rounds, "warm bare Tika (in-process)", files.size(), () -> bareTika(parser, files));
            double warmScan;
            try (Catalogue catalogue = Catalogue.open(catalogueDir, OpenMode.MUST_EXIST);
                 CatalogueSnapshot snapshot = catalogue.snapshot();
                 IsolatedExtractor extractor = new IsolatedExtractor(ExtractionLimits.defaults().withWorkerCount(THREADS))) {
                Matcher matcher = new Matcher(snapshot);
                Inspector inspector = new Inspector(extractor, () -> matcher);
                warmScan = best(rounds, "warm inspection (worker processes)", files.size(), () -> inspectAll(inspector, files));
            }
            System.out.printf(Locale.ROOT, "%nratio inspection/Tika: cold %.2fx (%.1f vs %.1f files/s), warm %.2fx (%.1f vs %.1f files/s); %.2f vs %.2f MB/s warm%n",
                    coldTika / coldScan, files.size() / coldScan, files.size() / coldTika,
                    warmTika / warmScan, files.size() / warmScan, files.size() / warmTika,
                    bytes / 1e6 / warmScan, bytes / 1e6 / warmTika);
        } finally {
            Folders.delete(work);
        }
    }

    /** Runs a measurement rounds + 1 times (the first warms up) and returns the best time in seconds. */
    private static double best(int rounds, String what, int files, Callable<?> task) throws Exception {
        double best = Double.MAX_VALUE;
        for (int round = 0; round <= rounds; round++) {
            long t0 = System.nanoTime();
            double[] cpu0 = cpuSeconds();
            task.call();
            double s = (System.nanoTime() - t0) / 1e9;
            double[] cpu1 = cpuSeconds();
            System.out.printf(Locale.ROOT, "  %-38s round %d: %6.2f s %7.1f files/s, CPU %5.2f s here + %5.2f s in child processes%s%n",
                    what, round, s, files / s, cpu1[0] - cpu0[0], cpu1[1] - cpu0[1],
                    round == 0 ? "  (warm-up, not counted)" : "");
            if (round > 0) {
                best = Math.min(best, s);
            }
        }
        return best;
    }

    /**
     * CPU seconds used so far by this JVM and by its child processes. Children that have ended (a cold run's JVM with its workers) count through Linux's
     * /proc/self/stat; elsewhere only live children count.
     */
    private static double[] cpuSeconds() {
        double own = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
        double children = ProcessHandle.current().descendants()
                .mapToDouble(p -> p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0)).sum();
        return new double[] {own, children + endedChildrenCpuSeconds()};
    }

    private static double endedChildrenCpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // cutime and cstime, fields 16 and 17 of proc(5), in clock ticks (100 per second on Linux).
            return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) / 100.0;
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int code = p.waitFor();
        if (code != 0 && code != 1) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + code);
        }
        return code;
    }

    private static void buildCorpus(int texts, Path corpus, Path catalogueDir) {
        Random random = new Random(3);
        List<String> docs = new ArrayList<>();
        try (Catalogue catalogue = Catalogue.open(catalogueDir, OpenMode.CREATE_IF_MISSING)) {
            for (int i = 0; i < 1000; i++) {
                String text = TextGen.latin(random, 5000);
                docs.add(text);
                catalogue.add(new CatalogueDocument("doc-" + i, "secret", null, null, null, null, List.of(), Instant.now()), text);
            }
            catalogue.commit();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (int i = 0; i < texts; i++) {
            String text = TextGen.latin(random, 10_000) + "\n" + docs.get(i).substring(1000, 1600) + "\n"
                    + TextGen.latin(random, 10_000);
            Formats.all(text, corpus.resolve("t" + i));
        }
    }

    private static List<Path> listFiles(Path dir) throws java.io.IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static int inspectAll(Inspector inspector, List<Path> files) throws Exception {
        // As ScanCommand does: two callers per worker, so matching overlaps the next extraction.
        ExecutorService pool = Executors.newFixedThreadPool(2 * THREADS);
        try {
            List<Future<Inspection>> results = new ArrayList<>();
            for (Path f : files) {
                results.add(pool.submit(() -> inspector.inspect(f.toString(), f)));
            }
            int found = 0;
            for (Future<Inspection> r : results) {
                found += r.get().matched() ? 1 : 0;
            }
            if (found != files.size()) {
                throw new IllegalStateException("every file carries an excerpt, but " + found + " of " + files.size() + " matched");
            }
            return found;
        } finally {
            pool.shutdown();
        }
    }

    private static int bareTika(AutoDetectParser parser, List<Path> files) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (Path f : files) {
                results.add(pool.submit(() -> {
                    RecursiveParserWrapper wrapper = new RecursiveParserWrapper(parser);
                    RecursiveParserWrapperHandler handler = new RecursiveParserWrapperHandler(
                            new BasicContentHandlerFactory(BasicContentHandlerFactory.HANDLER_TYPE.TEXT, -1));
                    try (InputStream in = Files.newInputStream(f)) {
                        wrapper.parse(in, handler, new Metadata(), new ParseContext());
                    } catch (Exception e) {
                        // a failed parse costs what it cost; bare Tika reports nothing else
                    }
                    return handler.getMetadataList().size();
                }));
            }
            int parts = 0;
            for (Future<Integer> r : results) {
                parts += r.get();
            }
            return parts;
        } finally {
            pool.shutdown();
        }
    }
}
