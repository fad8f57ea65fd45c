package io.sekisho.match;

/**
 * Where a matched passage lies in the scanned content: a part (see
 * {@link io.sekisho.extract.ExtractedPart#path()}) and a character range of that part's extracted
 * text, end exclusive. The audit trail records these so an auditor can find the leaked text.
 */
public record Passage(String part, int start, int end) {
}
