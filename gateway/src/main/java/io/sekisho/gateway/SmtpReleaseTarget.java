package io.sekisho.gateway;

import io.sekisho.act.QuarantinedTransfer;
import io.sekisho.act.ReleaseTarget;
import io.sekisho.config.HostPort;
import io.sekisho.receive.smtp.NextHop;
import io.sekisho.receive.smtp.NextHopResult;
import io.sekisho.receive.smtp.SmtpEnvelope;
import io.sekisho.receive.smtp.SmtpRelayClient;
import io.sekisho.transfer.PartContent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Releases a quarantined mail to the next hop ({@code smtp.nextHop}), as the gateway would have
 * relayed it: same envelope sender and recipients, one transaction, our
 * {@code X-Sekisho-Inspected: <instance>; id=<incident>; released} header on top. Only a 2xx at
 * the end of data counts as delivered; anything else fails the release (and is audited as such).
 */
public final class SmtpReleaseTarget implements ReleaseTarget {
    private final HostPort nextHop;
    private final String hostname;
    private final NextHop relay;

    /**
     * @param hostname the name in EHLO and in the added header ({@code smtp.hostname})
     */
    public SmtpReleaseTarget(HostPort nextHop, String hostname, Duration timeout) {
        this.nextHop = Objects.requireNonNull(nextHop, "nextHop");
        this.hostname = Objects.requireNonNull(hostname, "hostname");
        this.relay = new SmtpRelayClient(nextHop, hostname, timeout);
    }

    @Override
    public void deliver(QuarantinedTransfer transfer) throws IOException {
        if (transfer.contents().size() != 1 || !"smtp".equals(transfer.entry().channel())) {
            throw new IOException("not a held mail message (" + transfer.entry().channel() + ", "
                    + transfer.contents().size() + " parts): release it with --output instead");
        }
        byte[] message = transfer.contents().get(0);
        String sender = transfer.entry().sender() == null ? "" : transfer.entry().sender();
        boolean eightBit = false;
        for (byte b : message) {
            if (b < 0) {
                eightBit = true;
                break;
            }
        }
        boolean utf8Addresses = !StandardCharsets.US_ASCII.newEncoder().canEncode(
                sender + String.join("", transfer.entry().destinations()));
        SmtpEnvelope envelope = new SmtpEnvelope(transfer.entry().id(), "release", hostname, null, hostname, sender,
                transfer.entry().destinations(), false, utf8Addresses, eightBit, message.length, Instant.now());
        // The decrypted message is already in memory (the quarantine file is opened whole): relayed from there.
        NextHopResult r = relay.relay(envelope, hostname + "; id=" + transfer.entry().id() + "; released",
                PartContent.of(message));
        if (r.kind() != NextHopResult.Kind.ACCEPTED) {
            throw new IOException("next hop " + nextHop + " " + r.kind().name().toLowerCase(java.util.Locale.ROOT)
                    + " at " + r.stage() + (r.code() > 0 ? ": " + r.code() + " " : ": ") + r.text());
        }
    }

    @Override
    public String describe() {
        return "smtp:" + nextHop;
    }
}
