package io.sekisho.gateway;

/** The gateway cannot start as configured; the message names the configuration key and what to do. */
public final class GatewayException extends Exception {
    private static final long serialVersionUID = 1L;

    public GatewayException(String message) {
        super(message);
    }

    public GatewayException(String message, Throwable cause) {
        super(message, cause);
    }
}
