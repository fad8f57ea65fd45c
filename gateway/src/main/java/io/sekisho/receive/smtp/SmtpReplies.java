package io.sekisho.receive.smtp;

import java.util.ArrayList;
import java.util.List;

/**
 * Every reply Sekisho sends an SMTP client, and the one place where outcomes and next-hop results
 * become replies. Looking for "which code does a block get?": here.
 *
 * <p>The rule from Postfix: 250 to the end of data only when the next hop said 250 (or the message
 * is safely in quarantine). Anything that leaves the message's fate open is a 4xx, so the sending
 * server keeps it and retries.
 */
public final class SmtpReplies {
    private SmtpReplies() {
    }

    // ---- connection
    static SmtpReply greeting(String hostname) {
        return new SmtpReply(220, null, hostname + " ESMTP Sekisho");
    }

    /** Client outside smtp.allowedClients: refused at connect, so relaying never starts (RFC 5321 3.1). */
    static final SmtpReply RELAY_DENIED = new SmtpReply(554, "5.7.1", "Relay access denied: this client may not send through this gateway");
    static final SmtpReply TOO_MANY_CONNECTIONS = new SmtpReply(421, "4.7.0", "Too many connections, try again later");
    static final SmtpReply TOO_MANY_CONNECTIONS_FROM_CLIENT = new SmtpReply(421, "4.7.0", "Too many connections from your address, try again later");
    static final SmtpReply TIMEOUT = new SmtpReply(421, "4.4.2", "Timeout, closing connection");
    static final SmtpReply SHUTTING_DOWN = new SmtpReply(421, "4.3.2", "Service shutting down, try again later");
    static final SmtpReply BYE = new SmtpReply(221, "2.0.0", "Bye");

    // ---- commands
    static final SmtpReply OK = new SmtpReply(250, "2.0.0", "Ok");
    static final SmtpReply SENDER_OK = new SmtpReply(250, "2.1.0", "Sender ok");
    static final SmtpReply RECIPIENT_OK = new SmtpReply(250, "2.1.5", "Recipient ok");
    static final SmtpReply VRFY = new SmtpReply(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery");
    static final SmtpReply START_DATA = new SmtpReply(354, null, "End data with <CR><LF>.<CR><LF>");
    static final SmtpReply START_TLS = new SmtpReply(220, "2.0.0", "Ready to start TLS");
    static final SmtpReply SYNTAX_ERROR = new SmtpReply(500, "5.5.2", "Syntax error, command unrecognized");
    static final SmtpReply LINE_TOO_LONG = new SmtpReply(500, "5.5.2", "Line too long");
    static final SmtpReply BARE_NEWLINE_IN_COMMAND = new SmtpReply(500, "5.5.2", "Command lines end with CRLF; bare CR or LF refused");
    static final SmtpReply NOT_IMPLEMENTED = new SmtpReply(502, "5.5.1", "Command not implemented");
    static final SmtpReply NO_TLS = new SmtpReply(502, "5.5.1", "STARTTLS not available");
    static final SmtpReply TLS_ALREADY_ACTIVE = new SmtpReply(503, "5.5.1", "TLS already active");
    static final SmtpReply HELO_FIRST = new SmtpReply(503, "5.5.1", "Send EHLO or HELO first");
    static final SmtpReply NESTED_MAIL = new SmtpReply(503, "5.5.1", "Sender already given");
    static final SmtpReply MAIL_FIRST = new SmtpReply(503, "5.5.1", "Send MAIL first");
    static final SmtpReply RCPT_FIRST = new SmtpReply(503, "5.5.1", "Send RCPT first");
    static final SmtpReply NO_ARGUMENT_ALLOWED = new SmtpReply(501, "5.5.4", "No argument allowed");
    static final SmtpReply HELO_ARGUMENT = new SmtpReply(501, "5.5.4", "EHLO and HELO need a domain or address");
    static final SmtpReply BAD_SENDER = new SmtpReply(501, "5.1.7", "Bad sender address syntax");
    static final SmtpReply BAD_RECIPIENT = new SmtpReply(501, "5.1.3", "Bad recipient address syntax");
    static final SmtpReply NEEDS_SMTPUTF8 = new SmtpReply(553, "5.6.7", "Non-ASCII address needs SMTPUTF8");
    static final SmtpReply BAD_PARAMETER = new SmtpReply(555, "5.5.4", "Unsupported MAIL or RCPT parameter");
    static final SmtpReply TOO_MANY_RECIPIENTS = new SmtpReply(452, "4.5.3", "Too many recipients");

    static SmtpReply messageTooBig(long max) {
        return new SmtpReply(552, "5.3.4", "Message too big: the limit is " + max + " bytes");
    }

    // ---- end of data, before inspection
    static final SmtpReply BARE_NEWLINE_IN_DATA = new SmtpReply(550, "5.6.0",
            "Message refused: bare CR or LF in the message (lines must end with CRLF; RFC 5321 2.3.8)");
    static final SmtpReply DATA_LINE_TOO_LONG = new SmtpReply(550, "5.6.0",
            "Message refused: a line is longer than 998 characters (RFC 5322 2.1.1)");
    static final SmtpReply INSPECTION_BUSY = new SmtpReply(451, "4.3.2", "Inspection queue full, try again later");
    static final SmtpReply LOCAL_ERROR = new SmtpReply(451, "4.3.0", "Local error while receiving, try again later");
    static final SmtpReply INSPECTION_FAILED = new SmtpReply(451, "4.3.0", "Inspection could not finish, try again later");

    static SmtpEhlo ehlo(String hostname) {
        return new SmtpEhlo(hostname);
    }

    /** The EHLO reply, built from what this session offers. */
    static final class SmtpEhlo {
        private final List<String> lines = new ArrayList<>();

        private SmtpEhlo(String hostname) {
            lines.add(hostname);
        }

        SmtpEhlo offer(String capability) {
            lines.add(capability);
            return this;
        }

        SmtpReply reply() {
            return new SmtpReply(250, null, lines);
        }
    }

    // ---- the end-of-data reply: what inspection and the policy decided (the id is added below)

    /** Longest policy message put in a reply: RFC 5321 allows 512 octets per reply line. */
    private static final int MAX_MESSAGE = 380;

    /** The policy blocked the message: 550 5.7.1 with the rule's message for the sender. */
    public static SmtpOutcome blocked(String policyMessage) {
        return new SmtpOutcome.Refuse(550, "5.7.1", "Message refused: " + shortened(policyMessage,
                "it may not be sent to these recipients"));
    }

    /** Held in quarantine: 250, so the sending server drops it; the text says it was not delivered. */
    public static SmtpOutcome quarantined(String policyMessage) {
        return new SmtpOutcome.Quarantined("Held for review, not delivered: " + shortened(policyMessage,
                "the information security office will decide"));
    }

    /** The policy says wait (451 4.7.1). */
    public static SmtpOutcome policyTempfail(String policyMessage) {
        return new SmtpOutcome.Tempfail("4.7.1", "Not accepted now, try again later: "
                + shortened(policyMessage, "refused for now by policy"));
    }

    /** The decision could not be recorded durably: nothing is done without its record (ADR 0006). */
    public static final SmtpOutcome AUDIT_UNAVAILABLE = new SmtpOutcome.Tempfail("4.3.0",
            "Audit log unavailable, try again later");

    /** The message should be held, but the quarantine could not store it. */
    public static final SmtpOutcome QUARANTINE_UNAVAILABLE = new SmtpOutcome.Tempfail("4.3.0",
            "Quarantine unavailable, try again later");

    private static String shortened(String message, String fallback) {
        String m = message == null || message.isBlank() ? fallback : oneLine(message);
        return m.length() <= MAX_MESSAGE ? m : m.substring(0, MAX_MESSAGE - 3) + "...";
    }

    // ---- the end-of-data reply: outcome, then next hop

    /** The reply for an outcome that does not go to the next hop. */
    public static SmtpReply forOutcome(SmtpOutcome outcome, SmtpEnvelope envelope) {
        String id = envelope.transferId();
        if (outcome instanceof SmtpOutcome.Refuse r) {
            return new SmtpReply(r.code(), r.enhancedCode(), oneLine(r.text()) + " [" + id + "]");
        }
        if (outcome instanceof SmtpOutcome.Quarantined q) {
            return new SmtpReply(250, "2.0.0", oneLine(q.text()) + " [" + id + "]");
        }
        if (outcome instanceof SmtpOutcome.Tempfail t) {
            return new SmtpReply(451, t.enhancedCode(), oneLine(t.text()) + " [" + id + "]");
        }
        throw new IllegalArgumentException("a delivered message is answered from the next hop's result: " + outcome);
    }

    /**
     * The reply for a delivered message, from what the next hop said: 2xx becomes 250; a 5xx is
     * passed on (the message will never be accepted); a 4xx, a timeout or a lost connection is
     * 451 so the client keeps the message and retries.
     */
    public static SmtpReply forNextHop(NextHopResult result, SmtpEnvelope envelope) {
        String id = envelope.transferId();
        String theirs = oneLine(result.text());
        switch (result.kind()) {
            case ACCEPTED:
                return new SmtpReply(250, "2.0.0", "Ok: relayed as " + id + " (next hop: " + theirs + ")");
            case REFUSED:
                return new SmtpReply(result.code(), enhancedOr(result, "5.0.0"),
                        "Next hop refused at " + result.stage() + ": " + theirs + " [" + id + "]");
            case DEFERRED:
                return new SmtpReply(451, enhancedOr(result, "4.0.0"),
                        "Next hop deferred at " + result.stage() + ": " + theirs + " [" + id + "]");
            case UNREACHABLE:
                return new SmtpReply(451, "4.4.1", "Next hop unreachable, try again later [" + id + "]");
            case TIMEOUT:
                return new SmtpReply(451, "4.4.2", "Next hop timed out at " + result.stage() + ", try again later [" + id + "]");
            case DISCONNECTED:
            default:
                return new SmtpReply(451, "4.4.2", "Next hop lost at " + result.stage() + ": " + theirs + " [" + id + "]");
        }
    }

    private static String enhancedOr(NextHopResult r, String fallback) {
        String e = r.enhancedCode();
        return e != null && e.charAt(0) == fallback.charAt(0) ? e : fallback;
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\\r\\n]+", " ").strip();
    }
}
