package io.sekisho.cli;

import io.sekisho.catalogue.Catalogue;
import io.sekisho.catalogue.CatalogueSnapshot;
import io.sekisho.catalogue.OpenMode;
import io.sekisho.extract.ExtractionLimits;
import io.sekisho.extract.Extractor;
import io.sekisho.extract.IsolatedExtractor;
import io.sekisho.inspect.Inspection;
import io.sekisho.inspect.Inspector;
import io.sekisho.match.Matcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Callable;

/**
 * {@code sekisho scan}: inspects files as the gateway would, and prints one result per file.
 *
 * <p>Files are inspected concurrently (one extraction worker each) but reported in the order
 * given, so output is stable and diffable. A file that cannot be read or parsed gets its own
 * result line and the scan goes on.
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = {"Inspect files for excerpts of catalogued documents.",
                "Exit code: 0 nothing matched, 1 something matched, 2 usage error or unreadable catalogue."})
final class ScanCommand implements Callable<Integer> {

    @Option(names = "--catalogue", required = true, paramLabel = "DIR", description = "The catalogue folder.")
    Path catalogueDir;

    @Option(names = "--json", description = "One JSON object per line.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or folders (walked recursively, in sorted order).")
    List<Path> paths;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Path> files = FileArguments.expand(paths);
        ExtractionLimits limits = ExtractionLimits.defaults();
        boolean anyMatch = false;
        try (Catalogue catalogue = Catalogue.open(catalogueDir, OpenMode.MUST_EXIST);
             CatalogueSnapshot snapshot = catalogue.snapshot();
             Extractor extractor = new IsolatedExtractor(limits)) {
            Matcher matcher = new Matcher(snapshot);
            Inspector inspector = new Inspector(extractor, () -> matcher);
            // Twice as many threads as workers: while one thread fingerprints and matches what a
            // worker returned, another already has that worker extracting the next file.
            int parallel = 2 * Math.max(1, limits.workerCount());
            ExecutorService pool = Executors.newFixedThreadPool(parallel);
            try {
                // A bounded window of files in flight keeps memory flat on a folder of any size
                // while keeping every worker busy.
                Deque<Future<Inspection>> inFlight = new ArrayDeque<>();
                for (Path file : files) {
                    inFlight.add(pool.submit(() -> inspector.inspect(file.toString(), file)));
                    if (inFlight.size() >= parallel * 2) {
                        anyMatch |= report(out, inFlight.removeFirst());
                    }
                }
                while (!inFlight.isEmpty()) {
                    anyMatch |= report(out, inFlight.removeFirst());
                }
            } finally {
                pool.shutdownNow();
            }
        }
        return anyMatch ? Main.EXIT_FOUND : Main.EXIT_OK;
    }

    private boolean report(PrintWriter out, Future<Inspection> future) throws InterruptedException {
        Inspection inspection;
        try {
            inspection = future.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("inspection failed", e.getCause());
        }
        out.println(json ? ScanReport.json(inspection) : ScanReport.text(inspection));
        out.flush();
        return inspection.matched();
    }
}
