/**
 * The act stage: what the gateway does once the policy has decided. For now the quarantine
 * ({@link io.sekisho.act.QuarantineStore}): transfers held whole, encrypted at rest with AES-256-GCM
 * under their audit incident id, for a security team to list, inspect, release or delete, every
 * release and deletion recorded in the audit log with who and why. The per-protocol replies
 * ({@code SmtpReplies}, {@code HttpReplies}) will live here too.
 *
 * <p>It must never write a quarantined transfer to disk unencrypted, never release or delete
 * without first making the audit record durable, never delete anything it could not decrypt and
 * authenticate (a wrong key or a damaged file is an error, not a reason to clean up), and never
 * speak a protocol itself: a release goes to a {@link io.sekisho.act.ReleaseTarget}.
 */
package io.sekisho.act;
