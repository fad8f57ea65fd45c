package io.sekisho.transfer;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An outgoing transfer: who sends what, from where, to whom, over which channel. This is the
 * one object every stage after receive is handed (like mitmproxy's Flow or James's Mail); the
 * receiving stage fills it, later stages read it.
 *
 * @param id            unique id of this transfer, set on receipt (also used as the audit incident id)
 * @param channel       smtp, http or icap
 * @param receivedAt    when the transfer was complete at the gateway
 * @param sender        the envelope sender (MAIL FROM) or the user (proxy authentication), or null
 * @param clientAddress the address of the connecting client (the mail server, the browser)
 * @param destinations  recipient addresses (smtp) or destination hosts (http, icap)
 * @param url           the request URL (http, icap), else null
 * @param parts         the content, in the order received
 */
public record Transfer(String id, Channel channel, Instant receivedAt, String sender, String clientAddress,
                       List<String> destinations, String url, List<TransferPart> parts) {
    public Transfer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(receivedAt, "receivedAt");
        destinations = List.copyOf(destinations);
        parts = List.copyOf(parts);
    }
}
