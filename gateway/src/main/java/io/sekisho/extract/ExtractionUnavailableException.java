package io.sekisho.extract;

/**
 * Extraction itself cannot run (no worker process could be started), so no file's content says
 * anything about this failure. Callers must not treat it as an unreadable file: a gateway defers
 * the transfer (a temporary failure, the sender retries), a command line stops with an error.
 */
public final class ExtractionUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ExtractionUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
