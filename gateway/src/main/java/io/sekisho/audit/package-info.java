/**
 * The audit trail: the one place where every decision and every administrative act is recorded,
 * so an auditor can prove afterwards that no record was removed or altered.
 *
 * <p>{@link io.sekisho.audit.AuditLog} appends records to segment files, each record carrying the
 * hash of the one before it, and returns only when the record is on disk (group commit: many
 * callers share one {@code force}). Ed25519 checkpoints sign the chain. {@link
 * io.sekisho.audit.AuditVerifier} checks chain and signatures and says what is wrong and where;
 * {@link io.sekisho.audit.AuditReader} and {@link io.sekisho.audit.AuditQuery} serve auditors.
 * The file format is in {@code docs/audit-format.md}; the reasoning in ADR 0006.
 *
 * <p>It must never let a caller go on without a durable record (a failed write is an
 * {@link io.sekisho.audit.AuditUnavailableException}, which channels answer with a temporary
 * failure), never rewrite or delete a written record (recovery moves a torn tail aside and says
 * so in the log), never block a transfer on the SIEM, and never hold matched text unless the
 * evidence setting asks for it. It knows nothing of protocols or of the command line.
 */
package io.sekisho.audit;
