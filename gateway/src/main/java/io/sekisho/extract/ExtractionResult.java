package io.sekisho.extract;

import java.util.List;
import java.util.Objects;

/**
 * The text of one file and everything embedded in it, with one summarised status.
 *
 * @param status the most severe status of any part (see {@link ExtractionStatus})
 * @param detail why the status is not complete (the detail of the part that set it), else null
 * @param parts  the file first, then its embedded parts in document order; empty only when the
 *               file could not be read at all
 */
public record ExtractionResult(ExtractionStatus status, String detail, List<ExtractedPart> parts) {
    public ExtractionResult {
        Objects.requireNonNull(status, "status");
        parts = List.copyOf(parts);
    }

    /** A result for a file that produced no parts at all (unreadable, timed out, worker died). */
    public static ExtractionResult failure(ExtractionStatus status, String detail) {
        return new ExtractionResult(status, detail, List.of());
    }

    /** Summarises parts: the worst part status wins, and its detail explains it. */
    public static ExtractionResult of(List<ExtractedPart> parts) {
        ExtractionStatus status = ExtractionStatus.COMPLETE;
        String detail = null;
        for (ExtractedPart part : parts) {
            if (part.status().ordinal() > status.ordinal()) {
                status = part.status();
                detail = part.detail() == null ? part.path() : part.path() + ": " + part.detail();
            }
        }
        return new ExtractionResult(status, detail, parts);
    }
}
