package io.sekisho.gateway;

import io.sekisho.act.QuarantineStore;
import io.sekisho.audit.AuditUnavailableException;
import io.sekisho.decide.Decision;
import io.sekisho.extract.ExtractionStatus;
import io.sekisho.inspect.Inspection;
import io.sekisho.receive.smtp.MessageProcessor;
import io.sekisho.receive.smtp.MimeParts;
import io.sekisho.receive.smtp.SmtpEnvelope;
import io.sekisho.receive.smtp.SmtpOutcome;
import io.sekisho.receive.smtp.SmtpReplies;
import io.sekisho.transfer.Channel;
import io.sekisho.transfer.MemoryBudget;
import io.sekisho.transfer.PartContent;
import io.sekisho.transfer.SpoolException;
import io.sekisho.transfer.SpoolFolders;
import io.sekisho.transfer.Transfer;
import io.sekisho.transfer.TransferPart;
import io.sekisho.transfer.WorkFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * One received message through the data path: split into parts, inspect each, one decision for
 * the message, the audit record made durable, and only then the outcome the client is answered
 * with (ADR 0008).
 *
 * <p>What is recorded: every decision other than {@code allow}, and every message with a part
 * that could not be inspected completely, whatever the decision. A plain allow of fully inspected
 * content leaves no record (the mail server's own log has it).
 *
 * <p>Fail closed (ADR 0004, {@link TransferInspection}): a part MimeParts marks as encrypted
 * (S/MIME, PGP) reaches the policy as {@code encrypted} without being parsed; a part whose
 * inspection throws is {@code failed}; parts not inspected by the per-message deadline
 * ({@code smtp.inspectionTimeout}) are {@code timed-out}. The policy's rule for uninspectable
 * content then decides; the default policy refuses it towards outside the company. A record that
 * cannot be made durable is a 451.
 */
public final class InspectingMessageProcessor implements MessageProcessor {
    private static final Logger log = LoggerFactory.getLogger(InspectingMessageProcessor.class);

    private final TransferInspection inspection;
    private final QuarantineStore quarantine;
    private final SpoolFolders spool;
    private final long inMemoryBytes;
    private final MemoryBudget memory;

    /**
     * @param inspection    with smtp.inspectionTimeout as its deadline
     * @param spool         the work folders in smtp.spoolDir, for a message that needs one
     * @param inMemoryBytes smtp.inMemoryBytes: what a message's parts may hold in memory together
     * @param memory        smtp.inMemoryTotal: what all messages and their parts may hold together
     */
    InspectingMessageProcessor(TransferInspection inspection, QuarantineStore quarantine, SpoolFolders spool,
                               long inMemoryBytes, MemoryBudget memory) {
        this.inspection = Objects.requireNonNull(inspection, "inspection");
        this.quarantine = Objects.requireNonNull(quarantine, "quarantine");
        this.spool = Objects.requireNonNull(spool, "spool");
        this.inMemoryBytes = inMemoryBytes;
        this.memory = Objects.requireNonNull(memory, "memory");
    }

    @Override
    public MemoryBudget memory() {
        return memory;
    }

    @Override
    public SmtpOutcome process(SmtpEnvelope envelope, PartContent message) throws IOException {
        try (WorkFolder work = new WorkFolder(spool, inMemoryBytes, memory)) {
            List<TransferPart> parts;
            List<Inspection> inspections;
            try {
                parts = MimeParts.split(message, work);
                inspections = inspection.inspect(Channel.SMTP, parts, work);
            } catch (SpoolException e) {
                // The spool's fault, not the message's: 451 (MessageDelivery), and the sender retries.
                throw e;
            } catch (IOException e) {
                // Not MIME we can take apart: the whole message is one part nobody could read.
                TransferPart whole = wholeMessage(message);
                parts = List.of(whole);
                inspections = List.of(TransferInspection.uninspected(whole, ExtractionStatus.FAILED,
                        "not readable as MIME: " + e.getMessage()));
            }
            Transfer transfer = transfer(envelope, parts);
            Decision decision = inspection.decide(transfer, inspections);
            return act(envelope, message, transfer, inspections, decision);
        }
    }

    /** Records, then acts; the order is what ADR 0006 and 0008 promise. */
    private SmtpOutcome act(SmtpEnvelope envelope, PartContent message, Transfer transfer, List<Inspection> inspections,
                            Decision decision) {
        try {
            inspection.record(transfer, inspections, decision);
        } catch (AuditUnavailableException e) {
            log.error("[{}] {}: {} not recorded, answering 451: {}", envelope.connectionId(), transfer.id(),
                    decision.action().id(), e.getMessage());
            return SmtpReplies.AUDIT_UNAVAILABLE;
        }
        log.info("[{}] {} from <{}> to {}: {} by rule {} (policy {})", envelope.connectionId(), transfer.id(),
                envelope.mailFrom(), envelope.recipients(), decision.action().id(), decision.ruleId(),
                decision.policyRevision());
        switch (decision.action()) {
            case BLOCK:
                return SmtpReplies.blocked(decision.message());
            case QUARANTINE:
                try {
                    // The whole message as received, so a release sends exactly what the sender sent.
                    quarantine.put(new Transfer(transfer.id(), transfer.channel(), transfer.receivedAt(),
                            transfer.sender(), transfer.clientAddress(), transfer.destinations(), null,
                            List.of(wholeMessage(message))));
                } catch (IOException | RuntimeException e) {
                    log.error("[{}] {}: quarantine failed, answering 451: {}", envelope.connectionId(), transfer.id(),
                            e.toString());
                    return SmtpReplies.QUARANTINE_UNAVAILABLE;
                }
                return SmtpReplies.quarantined(decision.message());
            case TEMPFAIL:
                return SmtpReplies.policyTempfail(decision.message());
            case LOG:
            case ALLOW:
            default:
                return SmtpOutcome.deliver(envelope, decision.action().id());
        }
    }

    private static Transfer transfer(SmtpEnvelope envelope, List<TransferPart> parts) {
        String client = envelope.client() == null ? null : envelope.client().getAddress().getHostAddress();
        String sender = envelope.mailFrom().isEmpty() ? null : envelope.mailFrom();
        return new Transfer(envelope.transferId(), Channel.SMTP, envelope.receivedAt(), sender, client,
                envelope.recipients(), null, parts);
    }

    /** The message as received, as one part; its digest is the content's, computed if a record or the quarantine asks. */
    private static TransferPart wholeMessage(PartContent message) {
        return new TransferPart("message.eml", "message/rfc822", message.size(), null, message);
    }
}
