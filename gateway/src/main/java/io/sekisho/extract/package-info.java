/**
 * Extract: turns a file of any format into text, recursing into every container (archives,
 * mail attachments, embedded objects), and says for every part how completely it did so.
 *
 * <p>What it does: {@link io.sekisho.extract.IsolatedExtractor} hands each file to a worker
 * process ({@link io.sekisho.extract.ExtractWorker}), which runs
 * {@link io.sekisho.extract.TikaExtractor}; the result is an
 * {@link io.sekisho.extract.ExtractionResult} of {@link io.sekisho.extract.ExtractedPart}s, each
 * with an {@link io.sekisho.extract.ExtractionStatus}. All limits come from
 * {@link io.sekisho.extract.ExtractionLimits} ({@code extraction-limits.properties}).
 *
 * <p>What it must never do: pass content it did not see as clean (encrypted, truncated,
 * unsupported, corrupt and timed-out parts are always reported, never silently skipped); let a
 * hostile file take the gateway down (parse untrusted bytes in the gateway's own JVM: only magic
 * detection and charset decoding of small text run there); throw for
 * anything about a file's content; hold keys, credentials or anything besides the file it reads.
 * Apache Tika is used in this package only; no other package imports it.
 */
package io.sekisho.extract;
