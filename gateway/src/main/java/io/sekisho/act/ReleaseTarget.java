package io.sekisho.act;

import java.io.IOException;

/**
 * Where a released transfer goes: the next hop for mail (the SMTP channel provides it), the
 * origin server for an upload, or a file for the command line.
 */
public interface ReleaseTarget {
    /** Hands the transfer on; returns only when the target has accepted it. */
    void deliver(QuarantinedTransfer transfer) throws IOException;

    /** Where it went, as the audit record names it (for example {@code smtp:mx.example.com:25}, {@code file:/tmp/x}). */
    String describe();
}
