/**
 * The fingerprint stage: turns text into a small set of position-tagged hashes such that any
 * passage shared by two texts, of at least {@link io.sekisho.fingerprint.FingerprintScheme#guarantee()}
 * normalised characters, yields at least one identical hash in both.
 *
 * <p>{@link io.sekisho.fingerprint.TextNormalizer} and {@link io.sekisho.fingerprint.Winnower} are
 * the one chain used both when a classified document is registered and when outgoing content is
 * inspected; {@link io.sekisho.fingerprint.FingerprintScheme#id()} names that chain and is stamped
 * into every catalogue, so any change to normalisation or hashing must change the id.
 *
 * <p>This package is pure Java on the hot path. It must never depend on Lucene, I/O, logging or
 * any other stage, must never keep state between calls (the one exception is the normaliser's
 * look-up table, a cache filled on first use that never changes a result), and must stay
 * allocation-light.
 * See {@code docs/fingerprints.md}.
 */
package io.sekisho.fingerprint;
