package io.sekisho.receive.http;

/** A destination could not be reached, did not answer in time, or failed verification. */
final class UpstreamException extends Exception {
    enum Kind { UNREACHABLE, TIMEOUT, CERTIFICATE }

    private final Kind kind;

    UpstreamException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }
}
