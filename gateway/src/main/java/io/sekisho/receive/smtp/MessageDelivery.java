package io.sekisho.receive.smtp;

import io.sekisho.receive.InspectionPool;
import io.sekisho.transfer.LogFields;
import io.sekisho.transfer.MemoryBudget;
import io.sekisho.transfer.PartContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Off the event loop, for one received message: ask the {@link MessageProcessor}, relay what it
 * lets through to the {@link NextHop}, and work out the one reply the client gets.
 *
 * <p>The pool is bounded twice: {@code smtp.inspectionThreads} threads and a queue of
 * {@code smtp.inspectionQueue} messages. When both are full a new message is refused at once with
 * 451 4.3.2 rather than left waiting.
 */
public final class MessageDelivery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MessageDelivery.class);

    private final MessageProcessor processor;
    private final NextHop nextHop;
    private final InspectionPool pool;

    public MessageDelivery(MessageProcessor processor, NextHop nextHop, int threads, int queue) {
        this.processor = processor;
        this.nextHop = nextHop;
        this.pool = new InspectionPool("sekisho-inspect", threads, queue);
    }

    /** What messages being received may hold in memory together: the processor's. */
    MemoryBudget memory() {
        return processor.memory();
    }

    /** True when a message submitted now would be refused: every thread busy and the queue full. */
    public boolean full() {
        return pool.full();
    }

    /** Messages waiting for an inspection thread now (the smtp.inspectionQueue in use). */
    public int queued() {
        return pool.queued();
    }

    /**
     * Queues one message; {@code onReply} is called (on an inspection thread) with the reply for the
     * client. Returns false when the queue is full: nothing was queued, nothing will be called.
     */
    public boolean submit(SmtpEnvelope envelope, PartContent message, Consumer<SmtpReply> onReply) {
        return pool.submit(() -> onReply.accept(deliver(envelope, message)));
    }

    SmtpReply deliver(SmtpEnvelope envelope, PartContent message) {
        String id = envelope.connectionId();
        // Every line logged for this message, here and in the processor, carries both ids.
        MDC.put(LogFields.CONNECTION_ID, id);
        MDC.put(LogFields.INCIDENT_ID, envelope.transferId());
        try {
            return deliverWithIds(envelope, message, id);
        } finally {
            MDC.remove(LogFields.CONNECTION_ID);
            MDC.remove(LogFields.INCIDENT_ID);
        }
    }

    private SmtpReply deliverWithIds(SmtpEnvelope envelope, PartContent message, String id) {
        SmtpOutcome outcome;
        try {
            outcome = processor.process(envelope, message);
        } catch (Exception | LinkageError e) {
            log.error("[{}] inspection of {} failed: {}", id, envelope.transferId(), e.toString());
            outcome = new SmtpOutcome.Tempfail("Inspection could not finish, try again later");
        }
        SmtpReply reply;
        if (outcome instanceof SmtpOutcome.Deliver d) {
            NextHopResult result;
            try {
                result = nextHop.relay(envelope, d.inspectedHeader(), message);
            } catch (RuntimeException e) {
                // A fault of ours in the relay: the client gets 451 and keeps the message (the next
                // hop may have it too: a duplicate, never a loss), instead of waiting for no reply.
                log.error("[{}] relaying {} failed: {}", id, envelope.transferId(), e.toString(), e);
                result = new NextHopResult(NextHopResult.Kind.DISCONNECTED, "relay", 0, null, e.toString());
            }
            reply = SmtpReplies.forNextHop(result, envelope);
            log.info("[{}] {} from <{}> to {}: next hop {} at {}: {} {}", id, envelope.transferId(), envelope.mailFrom(),
                    envelope.recipients(), result.kind(), result.stage(), result.code(), result.text());
        } else {
            reply = SmtpReplies.forOutcome(outcome, envelope);
            log.info("[{}] {} from <{}> to {}: {}", id, envelope.transferId(), envelope.mailFrom(), envelope.recipients(), outcome);
        }
        try {
            processor.completed(envelope, outcome, reply);
        } catch (RuntimeException e) {
            log.error("[{}] reporting {} failed: {}", id, envelope.transferId(), e.toString());
        }
        return reply;
    }

    /** Stops taking messages and waits up to {@code grace} for those in hand. */
    @Override
    public void close() {
        close(Duration.ZERO);
    }

    public void close(Duration grace) {
        pool.close(grace);
    }
}
