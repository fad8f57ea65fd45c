package io.sekisho.receive.smtp;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything the SMTP conversation said about one message, besides its content.
 *
 * @param transferId   unique id of this message at the gateway (audit incident id, in the added header)
 * @param connectionId the connection it came on (every log line of the connection carries it)
 * @param instance     this gateway's name ({@code smtp.hostname})
 * @param client       the connecting mail server
 * @param heloName     what it said in EHLO/HELO
 * @param mailFrom     the envelope sender, "" for the null sender {@code <>}
 * @param recipients   RCPT TO addresses, in order
 * @param tls          whether the message came over STARTTLS
 * @param smtpUtf8     whether MAIL FROM carried SMTPUTF8
 * @param eightBitMime whether MAIL FROM carried BODY=8BITMIME
 * @param size         bytes of message content received
 * @param receivedAt   when the end of data arrived
 */
public record SmtpEnvelope(String transferId, String connectionId, String instance, InetSocketAddress client,
                           String heloName, String mailFrom, List<String> recipients, boolean tls, boolean smtpUtf8,
                           boolean eightBitMime, long size, Instant receivedAt) {
    public SmtpEnvelope {
        Objects.requireNonNull(transferId, "transferId");
        Objects.requireNonNull(mailFrom, "mailFrom");
        recipients = List.copyOf(recipients);
    }
}
