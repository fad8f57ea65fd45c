package io.sekisho.receive.http;

import io.sekisho.transfer.MemoryBudget;
import io.sekisho.transfer.TransferPart;

import java.util.List;

/**
 * The seam between receiving (the HTTP proxy and the ICAP service) and inspection: what happens to
 * a request with a body once it is completely received and before any byte of it goes on.
 *
 * <p>Call order for one request: {@link #clientToProxyRequest} on an inspection thread (never the
 * event loop; it may block); if the outcome is {@link UploadOutcome.Allow} the proxy then sends
 * the request to the destination unchanged (ICAP answers 204); then, if {@link #wantsResponses},
 * {@link #proxyToClientResponse} with the status the client got (for audit). The part files are deleted as soon as the request
 * has been answered or sent on: copy them (quarantine) inside {@code clientToProxyRequest}. For a CONNECT tunnel relayed without
 * decryption, {@link #uninspectedTunnel} is called once when it closes.
 *
 * <p>An exception from {@code clientToProxyRequest} is a temporary failure (503): fail closed.
 */
public interface UploadProcessor {

    /**
     * Decides on one request.
     *
     * @param request the envelope
     * @param parts   the content: one part per multipart file part, one for the form fields, or one
     *                for a raw body; Content-Encoding already undone. A part past http.maxBodyBytes
     *                (or that could not be decoded) is marked uninspectable ({@link UploadParts#TRUNCATED},
     *                {@link UploadParts#UNDECODABLE}) and holds what could be read
     */
    UploadOutcome clientToProxyRequest(UploadRequest request, List<TransferPart> parts) throws Exception;

    /**
     * Told the status the client got for a request this processor decided on (for audit); called
     * only when {@link #wantsResponses} says so.
     */
    default void proxyToClientResponse(UploadRequest request, UploadOutcome outcome, int status) {
    }

    /**
     * What request bodies being received and their decoded parts may hold in memory together
     * (http.inMemoryTotal), shared by the proxy and ICAP connections that receive them.
     */
    default MemoryBudget memory() {
        return MemoryBudget.UNBOUNDED;
    }

    /**
     * True when {@link #proxyToClientResponse} does something. The proxy learns the status on the
     * event loop, and telling it means waking an inspection thread for every response: a processor
     * that overrides {@code proxyToClientResponse} returns true, the others save that hand-off.
     */
    default boolean wantsResponses() {
        return false;
    }

    /** Told that a tunnel carried bytes nobody inspected (pass-through host, or no interception CA). */
    default void uninspectedTunnel(TunnelReport report) {
    }

    /** Allows everything: until inspection is wired in, and for tests. */
    static UploadProcessor passThrough() {
        return (request, parts) -> UploadOutcome.allow();
    }
}
