package io.sekisho.receive.smtp;

import io.sekisho.transfer.MemoryBudget;
import io.sekisho.transfer.PartContent;

/**
 * The seam between receiving and inspection: what happens to a message once it is completely
 * received and before the client gets its reply.
 *
 * <p>Call order for one message: {@link #process} on an inspection thread (never the event
 * loop; it may block), then, if the outcome is {@link SmtpOutcome.Deliver}, the relay to the next
 * hop, then {@link #completed} with the reply the client is about to get. The message (in memory,
 * or a spool file when large) is dropped after that reply is sent: copy it (quarantine) inside
 * {@code process}.
 *
 * <p>An exception from {@code process} is a temporary failure (451): fail closed.
 */
public interface MessageProcessor {

    /**
     * Decides on one message.
     *
     * @param envelope who sent it to whom, how
     * @param message  the message as received (headers and body, CRLF line ends, dots unstuffed);
     *                 an {@code X-Sekisho-Inspected} header in it came from outside and means nothing
     */
    SmtpOutcome process(SmtpEnvelope envelope, PartContent message) throws Exception;

    /**
     * What messages being received and their parts may hold in memory together (smtp.inMemoryTotal):
     * the sessions take from it as messages arrive, the processor as it splits them.
     */
    default MemoryBudget memory() {
        return MemoryBudget.UNBOUNDED;
    }

    /** Told what became of the message: the outcome and the reply sent to the client (for audit). */
    default void completed(SmtpEnvelope envelope, SmtpOutcome outcome, SmtpReply reply) {
    }

    /** Delivers everything: for tests, and until inspection is wired in. */
    static MessageProcessor passThrough() {
        return (envelope, message) -> SmtpOutcome.deliver(envelope, "allow");
    }
}
