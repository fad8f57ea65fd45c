package io.sekisho.transfer;

import java.io.IOException;

/**
 * The spool could not take content that outgrew memory (no space, no permission, a missing
 * folder). Not the content's fault: whoever sees it fails the transfer temporarily (451, 503) so
 * the sender retries, and never treats the content as unreadable.
 */
public final class SpoolException extends IOException {
    private static final long serialVersionUID = 1L;

    public SpoolException(String message, IOException cause) {
        super(message + ": " + cause, cause);
    }
}
