package io.sekisho.catalogue;

/**
 * A catalogue cannot be used as asked: missing, damaged, locked by another writer, built with
 * another fingerprint scheme, or given invalid input. The message is one line, written for the
 * operator, and says what to do where there is something to do.
 */
public class CatalogueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CatalogueException(String message) {
        super(message);
    }

    public CatalogueException(String message, Throwable cause) {
        super(message, cause);
    }
}
