/**
 * Receive, SMTP: Sekisho as the outbound relay hop after the company's mail server.
 *
 * <p>{@link io.sekisho.receive.smtp.SmtpServer} listens; each connection's pipeline
 * ({@link io.sekisho.receive.smtp.SmtpServerInitializer}) is a gate (allowed clients, connection
 * limits), timeouts, strict CRLF framing and the session. A complete message is spooled to a file
 * and handed, off the event loop, to a {@link io.sekisho.receive.smtp.MessageProcessor} (the seam
 * to inspection and policy); what it delivers is relayed by
 * {@link io.sekisho.receive.smtp.SmtpRelayClient} to the next hop in one transaction.
 * {@link io.sekisho.receive.smtp.SmtpReplies} is the one place where outcomes become replies.
 * {@link io.sekisho.receive.smtp.MimeParts} splits a message into transfer parts for inspection.
 *
 * <p>What it must never do: answer 250 before the next hop did (there is no queue of our own);
 * end a message anywhere but at CRLF.CRLF, or pass on a bare CR or LF (ADR 0007); relay for a
 * client outside smtp.allowedClients; trust an X-Sekisho-Inspected header it did not add; block
 * an event loop.
 */
package io.sekisho.receive.smtp;
