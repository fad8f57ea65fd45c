package io.sekisho.audit;

/**
 * The audit log could not make a record durable (disk full, permissions, an I/O error, a log
 * closed or in use by another process). Checked on purpose: a channel must answer it with a
 * temporary failure (SMTP 451, HTTP 503) and never act on a transfer without its record.
 */
public final class AuditUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public AuditUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public AuditUnavailableException(String message) {
        super(message);
    }
}
