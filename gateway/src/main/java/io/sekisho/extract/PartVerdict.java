package io.sekisho.extract;

import java.util.Arrays;

import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.sax.AbstractRecursiveParserWrapperHandler;

/**
 * Reads what Tika recorded in one part's metadata and turns it into a status and a short detail.
 *
 * <p>RecursiveParserWrapper does not throw for embedded documents; it writes their exceptions
 * (as stack traces) into the metadata. Reading every one of those keys here is what keeps an
 * encrypted or broken attachment from passing as an empty, clean part.
 */
record PartVerdict(ExtractionStatus status, String detail) {

    private static final int MAX_DETAIL = 160;
    private static final String EMPTY_PARSER = "org.apache.tika.parser.EmptyParser";

    static final PartVerdict COMPLETE = new PartVerdict(ExtractionStatus.COMPLETE, null);

    PartVerdict worst(PartVerdict other) {
        return other.status.ordinal() > status.ordinal() ? other : this;
    }

    /** The verdict for one part from its metadata alone. */
    static PartVerdict of(Metadata metadata, String cutReason) {
        String cut = cutReason == null ? "character limit reached" : cutReason;
        PartVerdict verdict = COMPLETE;
        if (isUnsupported(metadata)) {
            verdict = new PartVerdict(ExtractionStatus.UNSUPPORTED,
                    "no parser for " + metadata.get(Metadata.CONTENT_TYPE));
        }
        if ("true".equals(metadata.get(TikaCoreProperties.WRITE_LIMIT_REACHED))) {
            verdict = verdict.worst(new PartVerdict(ExtractionStatus.TRUNCATED, cut));
        }
        if ("true".equals(metadata.get(AbstractRecursiveParserWrapperHandler.EMBEDDED_RESOURCE_LIMIT_REACHED))) {
            verdict = verdict.worst(new PartVerdict(ExtractionStatus.TRUNCATED, "too many embedded entries"));
        }
        String tooDeep = metadata.get(NestingLimitParser.TOO_DEEP);
        if (tooDeep != null) {
            verdict = verdict.worst(new PartVerdict(ExtractionStatus.TRUNCATED, tooDeep));
        }
        if ("true".equals(metadata.get(TikaCoreProperties.IS_ENCRYPTED))) {
            verdict = verdict.worst(new PartVerdict(ExtractionStatus.ENCRYPTED, "encrypted"));
        }
        for (String trace : metadata.getValues(TikaCoreProperties.CONTAINER_EXCEPTION)) {
            verdict = verdict.worst(fromTrace(trace, "", cut));
        }
        for (String trace : metadata.getValues(TikaCoreProperties.EMBEDDED_EXCEPTION)) {
            verdict = verdict.worst(fromTrace(trace, "", cut));
        }
        // Recorded on the parent when an embedded document's bytes could not even be read.
        for (String trace : metadata.getValues(TikaCoreProperties.TIKA_META_EXCEPTION_EMBEDDED_STREAM)) {
            verdict = verdict.worst(fromTrace(trace, "embedded entry unreadable: ", cut));
        }
        return verdict;
    }

    /** The verdict for an exception that escaped the parse of the whole file. */
    static PartVerdict of(Throwable e) {
        return fromTrace(e.getClass().getName() + ": " + e.getMessage(), "", "character limit reached");
    }

    private static boolean isUnsupported(Metadata metadata) {
        String[] parsedBy = metadata.getValues(TikaCoreProperties.TIKA_PARSED_BY);
        return parsedBy.length > 0 && EMPTY_PARSER.equals(parsedBy[parsedBy.length - 1])
                || parsedBy.length > 0 && Arrays.stream(parsedBy).allMatch(p -> p.endsWith("DefaultParser")
                || p.equals(EMPTY_PARSER));
    }

    private static PartVerdict fromTrace(String trace, String prefix, String cut) {
        String firstLine = firstLine(trace);
        if (trace.contains("EncryptedDocumentException") || trace.contains("UnsupportedZipFeatureException")
                && trace.toLowerCase(java.util.Locale.ROOT).contains("encrypt")) {
            return new PartVerdict(ExtractionStatus.ENCRYPTED, prefix + "encrypted: " + shortMessage(firstLine));
        }
        if (trace.contains("WriteLimitReachedException")) {
            return new PartVerdict(ExtractionStatus.TRUNCATED, prefix + cut);
        }
        return new PartVerdict(ExtractionStatus.FAILED, prefix + "corrupt: " + shortMessage(firstLine));
    }

    private static String firstLine(String trace) {
        int end = trace.indexOf('\n');
        return (end < 0 ? trace : trace.substring(0, end)).strip();
    }

    /** "org.apache.tika.exception.TikaException: Bad header" becomes "TikaException: Bad header". */
    static String shortMessage(String line) {
        int colon = line.indexOf(':');
        String className = colon < 0 ? line : line.substring(0, colon);
        String rest = colon < 0 ? "" : line.substring(colon);
        String simple = className.substring(className.lastIndexOf('.') + 1);
        String message = (simple + rest).replaceAll("\\s+", " ").strip();
        return message.length() <= MAX_DETAIL ? message : message.substring(0, MAX_DETAIL - 3) + "...";
    }
}
