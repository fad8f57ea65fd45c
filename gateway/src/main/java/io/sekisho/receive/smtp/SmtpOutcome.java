package io.sekisho.receive.smtp;

import java.util.Objects;

/**
 * What a {@link MessageProcessor} decided for one message. {@link SmtpReplies} turns it into the
 * reply the client gets; only {@link Deliver} goes to the next hop.
 */
public sealed interface SmtpOutcome {

    /**
     * Relay to the next hop, with {@code X-Sekisho-Inspected: <inspectedHeader>} added at the top.
     * The client gets 250 only if the next hop accepts.
     */
    record Deliver(String inspectedHeader) implements SmtpOutcome {
        public Deliver {
            Objects.requireNonNull(inspectedHeader, "inspectedHeader");
            if (inspectedHeader.indexOf('\r') >= 0 || inspectedHeader.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("header value with a line break");
            }
        }
    }

    /** Refuse with this reply (a 5xx for a block; a 4xx is allowed but {@link Tempfail} says it better). */
    record Refuse(int code, String enhancedCode, String text) implements SmtpOutcome {
        public Refuse {
            if (code < 400 || code > 599) {
                throw new IllegalArgumentException("a refusal is 4xx or 5xx, not " + code);
            }
            Objects.requireNonNull(enhancedCode, "enhancedCode");
            Objects.requireNonNull(text, "text");
        }
    }

    /** Held in quarantine: the client gets 250 with this text (the message was taken, not sent on). */
    record Quarantined(String text) implements SmtpOutcome {
        public Quarantined {
            Objects.requireNonNull(text, "text");
        }
    }

    /** Try again later (451 with this enhanced code): inspection could not run, or the policy says wait. */
    record Tempfail(String enhancedCode, String text) implements SmtpOutcome {
        public Tempfail {
            Objects.requireNonNull(enhancedCode, "enhancedCode");
            if (!enhancedCode.startsWith("4.")) {
                throw new IllegalArgumentException("a temporary failure has a 4.x.x code, not " + enhancedCode);
            }
            Objects.requireNonNull(text, "text");
        }

        /** A local problem (4.3.0). */
        public Tempfail(String text) {
            this("4.3.0", text);
        }
    }

    /** The standard header value: {@code <instance>; id=<transfer id>; <action>}. */
    static Deliver deliver(SmtpEnvelope envelope, String action) {
        return new Deliver(envelope.instance() + "; id=" + envelope.transferId() + "; " + action);
    }
}
