package io.sekisho.extract;

/**
 * How completely a part (or a whole file) could be turned into text.
 *
 * <p>Anything but {@link #COMPLETE} means some content was not seen. The gateway treats such
 * content as uninspectable and lets the policy decide; it is never silently taken as clean.
 * The order of the constants is their severity when parts are summarised into one status for a
 * file: the most severe status of any part wins.
 */
public enum ExtractionStatus {
    COMPLETE("complete"),
    UNSUPPORTED("unsupported"),
    TRUNCATED("truncated"),
    FAILED("failed"),
    TIMED_OUT("timed-out"),
    ENCRYPTED("encrypted");

    private final String reason;

    ExtractionStatus(String reason) {
        this.reason = reason;
    }

    /** The word used in reports, JSON and (later) policies: {@code encrypted}, {@code timed-out}, ... */
    public String reason() {
        return reason;
    }

    public boolean isComplete() {
        return this == COMPLETE;
    }

    /** The more severe of the two. */
    public ExtractionStatus worst(ExtractionStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
