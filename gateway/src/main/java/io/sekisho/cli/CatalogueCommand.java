package io.sekisho.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.sekisho.catalogue.Catalogue;
import io.sekisho.catalogue.CatalogueDocument;
import io.sekisho.catalogue.CatalogueSettings;
import io.sekisho.catalogue.CatalogueStats;
import io.sekisho.catalogue.OpenMode;
import io.sekisho.extract.ExtractedPart;
import io.sekisho.extract.ExtractionLimits;
import io.sekisho.extract.ExtractionResult;
import io.sekisho.extract.ExtractionStatus;
import io.sekisho.extract.Extractor;
import io.sekisho.extract.IsolatedExtractor;
import io.sekisho.transfer.PartContent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code sekisho catalogue}: the security team's register of classified documents. */
@Command(name = "catalogue", mixinStandardHelpOptions = true,
        description = "Register, list and remove classified documents.",
        subcommands = {
                CatalogueCommand.Init.class,
                CatalogueCommand.Add.class,
                CatalogueCommand.Remove.class,
                CatalogueCommand.ListDocs.class,
                CatalogueCommand.Stats.class,
                CatalogueCommand.Ignore.class,
        })
final class CatalogueCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every subcommand shares. */
    static class CatalogueOption {
        @Option(names = "--catalogue", required = true, paramLabel = "DIR", description = "The catalogue folder.")
        Path dir;
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Create an empty catalogue with its classification levels (optional: 'add' creates one with defaults).")
    static final class Init implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        CatalogueOption catalogue;

        @Option(names = "--levels", split = ",", paramLabel = "LEVEL",
                description = "Classification levels, highest first (default: top-secret,secret,confidential).")
        List<String> levels;

        @Option(names = "--boilerplate-min-documents", paramLabel = "N",
                description = "Text found in at least N catalogue documents is boilerplate and never matches alone (default: 3).")
        Integer boilerplateMinDocuments;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            CatalogueSettings defaults = CatalogueSettings.DEFAULT;
            CatalogueSettings settings = new CatalogueSettings(
                    levels == null ? defaults.levels() : levels,
                    boilerplateMinDocuments == null ? defaults.boilerplateMinDocuments() : boilerplateMinDocuments);
            if (Files.isDirectory(catalogue.dir) && !isEmpty(catalogue.dir)) {
                throw new UserError(catalogue.dir + " is not empty: a catalogue's levels are set when it is created");
            }
            try (Catalogue c = Catalogue.open(catalogue.dir, OpenMode.CREATE_IF_MISSING, settings)) {
                spec.commandLine().getOut().println("created catalogue " + catalogue.dir + " with levels "
                        + String.join(" > ", c.settings().levels()));
            }
            return Main.EXIT_OK;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Register classified documents (any format). A folder is walked recursively.",
                    "Re-adding an id replaces that document."})
    static final class Add implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        CatalogueOption catalogue;

        @Option(names = "--classification", required = true, paramLabel = "LEVEL", description = "The classification level.")
        String classification;

        @Option(names = "--id", description = "The document id (only with one file; default: the file name without its last extension).")
        String id;

        @Option(names = "--title", description = "A title (default: the file name).")
        String title;

        @Option(names = "--owner", description = "Who owns the document.")
        String owner;

        @Option(names = "--tag", paramLabel = "TAG", description = "A tag, such as a project name (repeatable).")
        List<String> tags = List.of();

        @Parameters(arity = "1..*", paramLabel = "PATH")
        List<Path> paths;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            List<Path> files = FileArguments.expand(paths);
            if (id != null && files.size() != 1) {
                throw new UserError("--id names one document, but " + files.size() + " files were given");
            }
            Map<String, Path> ids = new LinkedHashMap<>();
            for (Path file : files) {
                String docId = id != null ? id : defaultId(file);
                Path clash = ids.putIfAbsent(docId, file);
                if (clash != null) {
                    throw new UserError("both " + clash + " and " + file + " would get the id '" + docId
                            + "'; register one of them with --id");
                }
            }
            int added = 0;
            int failed = 0;
            try (Catalogue c = Catalogue.open(catalogue.dir, OpenMode.CREATE_IF_MISSING);
                 Extractor extractor = new IsolatedExtractor(ExtractionLimits.defaults())) {
                if (!c.settings().levels().contains(classification)) {
                    throw new UserError("unknown classification '" + classification + "'; this catalogue's levels are "
                            + String.join(", ", c.settings().levels()));
                }
                for (Map.Entry<String, Path> e : ids.entrySet()) {
                    Path file = e.getValue();
                    String text = registrableText(extractor, file, err);
                    if (text == null) {
                        failed++;
                        continue;
                    }
                    CatalogueDocument doc = new CatalogueDocument(e.getKey(), classification,
                            title != null ? title : file.getFileName().toString(), owner,
                            file.toAbsolutePath().normalize().toString(), sha256(file), List.copyOf(tags),
                            Instant.now());
                    c.add(doc, text);
                    out.println("added " + e.getKey() + " [" + classification + "] " + file);
                    added++;
                }
                c.commit();
            }
            out.println(added + " added" + (failed > 0 ? ", " + failed + " not registered" : ""));
            return failed > 0 ? Main.EXIT_ERROR : Main.EXIT_OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove documents by id.")
    static final class Remove implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        CatalogueOption catalogue;

        @Parameters(arity = "1..*", paramLabel = "ID")
        List<String> ids;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            int missing = 0;
            try (Catalogue c = Catalogue.open(catalogue.dir, OpenMode.MUST_EXIST)) {
                for (String docId : ids) {
                    if (c.remove(docId)) {
                        spec.commandLine().getOut().println("removed " + docId);
                    } else {
                        spec.commandLine().getErr().println("sekisho: no document with id '" + docId + "'");
                        missing++;
                    }
                }
                c.commit();
            }
            return missing > 0 ? Main.EXIT_ERROR : Main.EXIT_OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List registered documents.")
    static final class ListDocs implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        CatalogueOption catalogue;

        @Option(names = "--json", description = "One JSON object per line.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule())
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
            try (Catalogue c = Catalogue.open(catalogue.dir, OpenMode.MUST_EXIST)) {
                for (CatalogueDocument d : c.list()) {
                    if (json) {
                        out.println(mapper.writeValueAsString(d));
                    } else {
                        out.printf("%-32s %-14s %6d fingerprints  %s%n", d.id(), d.classification(),
                                d.fingerprints(), d.title() == null ? "" : d.title());
                    }
                }
            }
            return Main.EXIT_OK;
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true, description = "Show the catalogue's size and settings.")
    static final class Stats implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        CatalogueOption catalogue;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            try (Catalogue c = Catalogue.open(catalogue.dir, OpenMode.MUST_EXIST)) {
                CatalogueStats s = c.stats();
                PrintWriter out = spec.commandLine().getOut();
                out.println("catalogue:            " + c.dir().toAbsolutePath().normalize());
                out.println("documents:            " + s.documents());
                s.documentsPerLevel().forEach((level, n) -> out.printf("  %-19s %d%n", level + ":", n));
                out.println("fingerprints:         " + s.fingerprints() + " (" + s.distinctFingerprints() + " distinct)");
                out.println("ignored texts:        " + (s.ignoredTexts().isEmpty() ? "none" : String.join(", ", s.ignoredTexts())));
                out.println("index size:           " + s.indexBytes() + " bytes");
                out.println("levels:               " + String.join(" > ", s.levels()));
                out.println("boilerplate:          text in " + s.boilerplateMinDocuments() + " or more documents never matches alone");
                out.println("fingerprint scheme:   " + s.schemeId());
            }
            return Main.EXIT_OK;
        }
    }

    @Command(name = "ignore", mixinStandardHelpOptions = true,
            description = "Register known public text (a licence, a standard notice) that must never count as a match.")
    static final class Ignore implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        CatalogueOption catalogue;

        @Parameters(arity = "1..*", paramLabel = "PATH")
        List<Path> paths;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            int failed = 0;
            try (Catalogue c = Catalogue.open(catalogue.dir, OpenMode.CREATE_IF_MISSING);
                 Extractor extractor = new IsolatedExtractor(ExtractionLimits.defaults())) {
                for (Path file : FileArguments.expand(paths)) {
                    String text = registrableText(extractor, file, spec.commandLine().getErr());
                    if (text == null) {
                        failed++;
                        continue;
                    }
                    c.ignore(defaultId(file), text);
                    spec.commandLine().getOut().println("ignoring the text of " + file);
                }
                c.commit();
            }
            return failed > 0 ? Main.EXIT_ERROR : Main.EXIT_OK;
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    static String defaultId(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /**
     * The text of a file to register, or null (after saying why on {@code err}) when it cannot be
     * read. A document we cannot read could never be recognised later, so it is refused rather
     * than registered as an empty entry that gives false comfort (ADR 0004). A truncated file is
     * registered with what could be read, with a warning.
     */
    static String registrableText(Extractor extractor, Path file, PrintWriter err) {
        ExtractionResult extraction = extractor.extract(file);
        String text = extraction.parts().stream().map(ExtractedPart::text).collect(Collectors.joining("\n"));
        ExtractionStatus status = extraction.status();
        String detail = extraction.detail() == null ? "" : " (" + extraction.detail() + ")";
        if (status == ExtractionStatus.ENCRYPTED || status == ExtractionStatus.FAILED
                || status == ExtractionStatus.TIMED_OUT) {
            err.println("sekisho: not registered: " + file + ": " + status.reason() + detail);
            return null;
        }
        if (text.isBlank()) {
            err.println("sekisho: not registered: " + file + ": no text could be extracted"
                    + (status.isComplete() ? "" : " (" + status.reason() + detail + ")"));
            return null;
        }
        if (!status.isComplete()) {
            err.println("sekisho: warning: " + file + ": registered what could be read (" + status.reason() + detail + ")");
        }
        return text;
    }

    static String sha256(Path file) {
        try {
            return PartContent.of(file).sha256();
        } catch (UncheckedIOException e) {
            throw new UserError("cannot read " + file + ": " + e.getCause().getMessage());
        }
    }
}
