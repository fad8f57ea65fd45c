package io.sekisho.extract;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apache.tika.exception.ZeroByteFileException;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.parser.RecursiveParserWrapper;
import org.apache.tika.sax.RecursiveParserWrapperHandler;

/**
 * Extracts text in this process with Tika, recursing into every container.
 *
 * <p>It enforces every limit that can be enforced from inside a parse (size, depth, entries,
 * characters, zip-bomb ratio) but cannot stop a parser that hangs or exhausts memory: that is
 * what {@link IsolatedExtractor} is for. Use this class directly only for trusted input or
 * inside a worker process.
 */
public final class TikaExtractor implements Extractor {

    /** Separates the levels of an embedded part's path: {@code mail.eml!/report.zip!/a.docx}. */
    public static final String PATH_SEPARATOR = "!/";

    /** Tika's default detection, its magic rules looked up by byte (IndexedMagicDetector); built once, thread-safe. */
    private static final org.apache.tika.detect.Detector DETECTOR = IndexedMagicDetector.defaultDetector();

    private final ExtractionLimits limits;
    private final Parser parser;

    public TikaExtractor() {
        this(ExtractionLimits.defaults());
    }

    public TikaExtractor(ExtractionLimits limits) {
        this.limits = limits;
        this.parser = new RecursiveParserWrapper(
                new NestingLimitParser(new AutoDetectParser(DETECTOR), limits.maxNestingDepth()));
    }

    public ExtractionLimits limits() {
        return limits;
    }

    @Override
    public ExtractionResult extract(Path file) {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        long size;
        try {
            if (!Files.isRegularFile(file)) {
                return ExtractionResult.failure(ExtractionStatus.FAILED,
                        Files.exists(file) ? "unreadable: not a regular file" : "unreadable: no such file");
            }
            size = Files.size(file);
        } catch (IOException e) {
            return unreadable(e);
        }
        if (size == 0) {
            return empty(name);
        }
        if (size > limits.maxFileBytes()) {
            return ExtractionResult.of(List.of(new ExtractedPart(name, "application/octet-stream", size,
                    ExtractionStatus.TRUNCATED, "too large: " + size + " bytes, limit " + limits.maxFileBytes(), "")));
        }
        return parse(file, name, size);
    }

    /** An empty file: complete, nothing to parse. */
    static ExtractionResult empty(String name) {
        return ExtractionResult.of(List.of(
                new ExtractedPart(name, "application/octet-stream", 0, ExtractionStatus.COMPLETE, "empty", "")));
    }

    private ExtractionResult parse(Path file, String name, long size) {
        String word = WordText.read(file, size, limits);
        if (word != null) {
            return WordText.result(name, size, word, limits); // a Word document of XML parts only (ADR 0020)
        }
        TextBudget budget = new TextBudget(limits, size);
        RecursiveParserWrapperHandler handler =
                new RecursiveParserWrapperHandler(budget, limits.maxEmbeddedEntries());
        Metadata metadata = new Metadata();
        metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, name);
        ParseContext context = new ParseContext();
        // An empty attachment is not an error; without this Tika records it as an exception.
        context.set(ZeroByteFileException.IgnoreZeroByteFileException.class,
                new ZeroByteFileException.IgnoreZeroByteFileException());
        PartVerdict escaped = PartVerdict.COMPLETE;
        try (InputStream in = TikaInputStream.get(file, metadata)) {
            parser.parse(in, handler, metadata, context);
        } catch (AccessDeniedException | NoSuchFileException e) {
            return unreadable(e);
        } catch (Exception e) {
            // Parsers throw unchecked exceptions on corrupt input too; all of them cost this file only.
            escaped = PartVerdict.of(e);
        }
        return ExtractionResult.of(parts(name, size, handler.getMetadataList(), escaped, budget));
    }

    private static List<ExtractedPart> parts(String name, long size, List<Metadata> list, PartVerdict escaped,
                                             TextBudget budget) {
        List<ExtractedPart> parts = new ArrayList<>(list.size());
        for (Metadata m : documentOrder(list)) {
            boolean isFile = parts.isEmpty();
            PartVerdict verdict = PartVerdict.of(m, budget.cutReason());
            if (isFile) {
                verdict = verdict.worst(escaped);
                if (budget.cutReason() != null) {
                    verdict = verdict.worst(new PartVerdict(ExtractionStatus.TRUNCATED, budget.cutReason()));
                }
            }
            String text = m.get(TikaCoreProperties.TIKA_CONTENT);
            parts.add(new ExtractedPart(path(name, m), m.get(Metadata.CONTENT_TYPE),
                    isFile ? size : length(m), verdict.status(), verdict.detail(), text));
        }
        if (parts.isEmpty()) {
            parts.add(new ExtractedPart(name, null, size, escaped.status(), escaped.detail(), ""));
        }
        return parts;
    }

    /**
     * The handler lists a container after its children (it is finished last); the embedded ids
     * are handed out when a document starts, so sorting by them gives document order.
     */
    private static List<Metadata> documentOrder(List<Metadata> list) {
        if (list.size() < 3) {
            return list;
        }
        List<Metadata> embedded = new ArrayList<>(list.subList(1, list.size()));
        embedded.sort(Comparator.comparingLong(m -> embeddedId(m)));
        List<Metadata> ordered = new ArrayList<>(list.size());
        ordered.add(list.get(0));
        ordered.addAll(embedded);
        return ordered;
    }

    private static long embeddedId(Metadata m) {
        String id = m.get(TikaCoreProperties.EMBEDDED_ID);
        try {
            return id == null ? Long.MAX_VALUE : Long.parseLong(id.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String path(String name, Metadata m) {
        String embedded = m.get(TikaCoreProperties.EMBEDDED_RESOURCE_PATH);
        if (embedded == null || embedded.isEmpty()) {
            return name;
        }
        StringBuilder path = new StringBuilder(name);
        for (String segment : embedded.split("/")) {
            if (!segment.isEmpty()) {
                path.append(PATH_SEPARATOR).append(segment);
            }
        }
        return path.toString();
    }

    private static long length(Metadata m) {
        String length = m.get(Metadata.CONTENT_LENGTH);
        try {
            return length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static ExtractionResult unreadable(IOException e) {
        String why = e instanceof AccessDeniedException ? "permission denied"
                : e instanceof NoSuchFileException ? "no such file"
                : PartVerdict.shortMessage(e.getClass().getName() + ": " + e.getMessage());
        return ExtractionResult.failure(ExtractionStatus.FAILED, "unreadable: " + why);
    }

    /** Nothing to release: the parser holds no files or threads between calls. */
    @Override
    public void close() {
    }
}
