package io.sekisho.cli;

import io.sekisho.catalogue.Catalogue;
import io.sekisho.catalogue.CatalogueSnapshot;
import io.sekisho.catalogue.OpenMode;
import io.sekisho.decide.Decision;
import io.sekisho.decide.Policy;
import io.sekisho.decide.PolicyLoader;
import io.sekisho.extract.ExtractionLimits;
import io.sekisho.extract.Extractor;
import io.sekisho.extract.IsolatedExtractor;
import io.sekisho.inspect.Inspection;
import io.sekisho.inspect.Inspector;
import io.sekisho.match.Matcher;
import io.sekisho.transfer.Channel;
import io.sekisho.transfer.Transfer;
import io.sekisho.transfer.TransferPart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
        description = {"Inspect files for excerpts of catalogued documents; with --policy, also show the decision for each",
                "file as if it were sent to --to.",
                "Exit code: 0 nothing matched, 1 something matched, 2 usage error or unreadable catalogue.",
                "With --policy: 0 every file allowed or logged, 1 any blocked, quarantined or tempfailed, 2 errors."})
final class ScanCommand implements Callable<Integer> {

    @Option(names = "--catalogue", required = true, paramLabel = "DIR", description = "The catalogue folder.")
    Path catalogueDir;

    @Option(names = "--json", description = "One JSON object per line.")
    boolean json;

    @Option(names = "--policy", paramLabel = "FILE", description = "Decide on each file with this policy.")
    Path policyFile;

    @Option(names = "--to", paramLabel = "ADDRESS_OR_HOST",
            description = "With --policy: a recipient address or destination host (repeatable).")
    List<String> to;

    @Option(names = "--from", paramLabel = "SENDER", description = "With --policy: the sender or user.")
    String from;

    @Option(names = "--channel", paramLabel = "CHANNEL", defaultValue = "smtp",
            description = "With --policy: smtp, http or icap (default: smtp).")
    String channel;

    @Option(names = "--internal-domain", paramLabel = "DOMAIN",
            description = "With --policy: treat this domain as internal too, for trying a policy (repeatable).")
    List<String> internalDomains;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or folders (walked recursively, in sorted order).")
    List<Path> paths;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Channel transferChannel = checkPolicyOptions();
        List<Path> files = FileArguments.expand(paths);
        ExtractionLimits limits = ExtractionLimits.defaults();
        boolean anyMatch = false;
        try (Catalogue catalogue = Catalogue.open(catalogueDir, OpenMode.MUST_EXIST);
             CatalogueSnapshot snapshot = catalogue.snapshot();
             Extractor extractor = new IsolatedExtractor(limits)) {
            // Loaded before anything is scanned: a policy with a problem decides nothing.
            Policy policy = policyFile == null ? null : new PolicyLoader(catalogue.settings().levels())
                    .load(policyFile).withInternalDomains(internalDomains == null ? List.of() : internalDomains);
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
                        anyMatch |= report(out, inFlight.removeFirst(), policy, transferChannel);
                    }
                }
                while (!inFlight.isEmpty()) {
                    anyMatch |= report(out, inFlight.removeFirst(), policy, transferChannel);
                }
            } finally {
                pool.shutdownNow();
            }
        }
        return anyMatch ? Main.EXIT_FOUND : Main.EXIT_OK;
    }

    private Channel checkPolicyOptions() {
        boolean hasTo = to != null && !to.isEmpty();
        if (policyFile == null) {
            if (hasTo || from != null || (internalDomains != null && !internalDomains.isEmpty())) {
                throw new UserError("--to, --from and --internal-domain only make sense with --policy");
            }
            return Channel.SMTP;
        }
        if (!hasTo) {
            throw new UserError("--policy needs at least one --to ADDRESS_OR_HOST: a decision depends on the destination");
        }
        try {
            return Channel.of(channel);
        } catch (IllegalArgumentException e) {
            throw new UserError("--channel: " + e.getMessage());
        }
    }

    /** Prints one result; true when it counts towards exit code 1 (a match, or with a policy a stop). */
    private boolean report(PrintWriter out, Future<Inspection> future, Policy policy, Channel transferChannel)
            throws InterruptedException {
        Inspection inspection;
        try {
            inspection = future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof io.sekisho.extract.ExtractionUnavailableException unavailable) {
                throw new UserError(unavailable.getMessage());
            }
            throw new IllegalStateException("inspection failed", e.getCause());
        }
        Decision decision = policy == null ? null
                : policy.decide(transferOf(inspection, transferChannel), List.of(inspection));
        out.println(json ? ScanReport.json(inspection, decision) : ScanReport.text(inspection, decision));
        out.flush();
        return decision == null ? inspection.matched() : decision.action().stops();
    }

    /** The file as a one-part transfer from --from to --to, so the policy sees what the gateway would hand it. */
    private Transfer transferOf(Inspection inspection, Channel transferChannel) {
        Path file = Path.of(inspection.name());
        long size = -1;
        if (Files.isReadable(file)) {
            try {
                size = Files.size(file);
            } catch (IOException e) {
                // Gone since: inspection already reported it as failed, and the policy decides on that.
            }
        }
        String name = file.getFileName() == null ? inspection.name() : file.getFileName().toString();
        // No digest: the policy does not use one, and the part's content computes it if asked.
        TransferPart part = new TransferPart(name, null, size, null, file);
        return new Transfer("scan:" + inspection.name(), transferChannel, Instant.now(), from, null, to, null,
                List.of(part));
    }
}
