/**
 * The catalogue: a folder holding a Lucene index of the registered classified documents (their
 * fingerprints, metadata and counts), the texts declared public ({@code ignore}), and
 * {@code catalogue.json} with the classification levels and the boilerplate threshold.
 *
 * <p>{@link io.sekisho.catalogue.Catalogue} changes it (one writer at a time, across processes);
 * {@link io.sekisho.catalogue.CatalogueSnapshot} is the read-only, thread-safe, point-in-time view
 * that matching looks fingerprints up in.
 *
 * <p>This is the only package that may use Lucene, and Lucene types never appear in its public
 * signatures. It must never fingerprint text any other way than through
 * {@link io.sekisho.fingerprint.Winnower} with {@link io.sekisho.fingerprint.FingerprintScheme#DEFAULT},
 * and must never open an index built with another scheme: such a catalogue would silently match
 * nothing.
 */
package io.sekisho.catalogue;
