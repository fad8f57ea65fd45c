package io.sekisho.act;

/** A quarantine request that cannot be done: unknown id, damaged file, wrong key, or already released. */
public final class QuarantineException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why; stable for callers that map it to an exit code or a reply. */
    public enum Reason { UNKNOWN_ID, DAMAGED, WRONG_KEY, NOT_HELD, AUDIT_UNAVAILABLE, DELIVERY_FAILED }

    private final Reason reason;

    public QuarantineException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public QuarantineException(Reason reason, String message) {
        this(reason, message, null);
    }

    public Reason reason() {
        return reason;
    }
}
