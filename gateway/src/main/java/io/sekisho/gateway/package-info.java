/**
 * The gateway: the one place that knows every stage and assembles them into the data path
 * receive (SMTP) -&gt; extract -&gt; fingerprint -&gt; match -&gt; decide -&gt; act -&gt; audit.
 *
 * <p>{@link io.sekisho.gateway.Gateway} opens what the configuration names (catalogue, policy,
 * extraction workers, audit log, quarantine) and starts the SMTP listener with an
 * {@link io.sekisho.gateway.InspectingMessageProcessor}, which turns one received message into a
 * transfer, inspects each part, asks the policy for one decision, records it durably and only then
 * answers. {@link io.sekisho.gateway.SmtpReleaseTarget} relays a released quarantined message to
 * the next hop.
 *
 * <p>What it must never do: hold stage logic of its own (how text is matched, what a rule means,
 * how a reply is worded: those live in their stages and in {@code SmtpReplies}); let a message go
 * on, or be held, without its audit record; be depended on by any stage (ArchitectureTest).
 */
package io.sekisho.gateway;
