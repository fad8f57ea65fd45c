package io.sekisho.extract;

import java.util.Objects;

/**
 * One part of an extracted file: the file itself, or something embedded in it (a zip entry, an
 * e-mail attachment, an object inside an Office document), with its own text and status.
 *
 * @param path      where the part sits, outermost first, joined by {@code "!/"}: {@code "report.zip!/a.docx"}
 * @param mediaType the type detected from the content (not from the name)
 * @param size      the part's size in bytes where known, else -1
 * @param status    how completely this part's text was extracted
 * @param detail    a human-readable explanation when the status is not complete, else null
 * @param text      the extracted text (possibly empty, never null)
 */
public record ExtractedPart(String path, String mediaType, long size, ExtractionStatus status, String detail,
                            String text) {
    public ExtractedPart {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(status, "status");
        text = text == null ? "" : text;
        mediaType = mediaType == null ? "application/octet-stream" : mediaType;
    }
}
