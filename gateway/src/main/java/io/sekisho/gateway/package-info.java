/**
 * The gateway: the one place that knows every stage and assembles them into the data path
 * receive (SMTP, HTTP, ICAP) -&gt; extract -&gt; fingerprint -&gt; match -&gt; decide -&gt; act -&gt; audit.
 *
 * <p>{@link io.sekisho.gateway.Gateway} opens what the configuration names (catalogue, policy,
 * extraction workers, audit log, quarantine) and starts the configured listeners: SMTP with an
 * {@link io.sekisho.gateway.InspectingMessageProcessor}, the HTTP(S) proxy and the ICAP service
 * with an {@link io.sekisho.gateway.InspectingUploadProcessor}. Both turn what they received into
 * a transfer and hand it to {@link io.sekisho.gateway.TransferInspection}, which inspects each
 * part within a deadline, asks the policy for one decision and records it durably; only then do
 * they answer. {@link io.sekisho.gateway.SmtpReleaseTarget} relays a released quarantined message
 * to the next hop. {@link io.sekisho.gateway.GatewayMetrics} is told of every inspection, decision
 * and audit record, without the gateway knowing who measures (the admin endpoints, ADR 0010).
 *
 * <p>What it must never do: hold stage logic of its own (how text is matched, what a rule means,
 * how a reply is worded: those live in their stages and in {@code SmtpReplies}, {@code HttpReplies}
 * and {@code IcapReplies}); let a transfer go on, or be held, without its audit record; be
 * depended on by any stage (ArchitectureTest).
 */
package io.sekisho.gateway;
