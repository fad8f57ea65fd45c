package io.sekisho.audit;

/**
 * One thing wrong with a log, and where.
 *
 * @param kind     what kind of problem (see the constants); stable words for scripts
 * @param segment  the segment file, or null when the problem is not in one place
 * @param line     the line in that segment (from 1), or 0
 * @param offset   the byte offset of that line in the segment, or -1
 * @param seq      the record's sequence number when known, else -1
 * @param message  what is wrong, in words an auditor can act on
 */
public record Finding(String kind, String segment, long line, long offset, long seq, String message) {
    public static final String ALTERED = "altered";
    public static final String UNREADABLE = "unreadable";
    public static final String REMOVED = "removed";
    public static final String REORDERED = "reordered";
    public static final String INSERTED = "inserted";
    public static final String BROKEN_LINK = "broken-link";
    public static final String TORN_TAIL = "torn-tail";
    public static final String TRUNCATED = "truncated";
    public static final String MISSING_SEGMENT = "missing-segment";
    public static final String BAD_SIGNATURE = "bad-signature";
    public static final String OTHER_KEY = "other-key";
    public static final String UNSIGNED = "unsigned";
    public static final String BAD_CHECKPOINT = "bad-checkpoint";

    /** {@code segment:line (offset o, seq s): message}, the form {@code audit verify} prints. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(kind).append(": ");
        if (segment != null) {
            s.append(segment);
            if (line > 0) {
                s.append(':').append(line);
            }
            s.append(" (");
            if (offset >= 0) {
                s.append("offset ").append(offset);
            }
            if (seq >= 0) {
                s.append(offset >= 0 ? ", " : "").append("seq ").append(seq);
            }
            s.append("): ");
        }
        return s.append(message).toString();
    }
}
