/**
 * The match stage: finds which registered classified documents appear in extracted content, and
 * where. {@link io.sekisho.match.Matcher} fingerprints each extracted part with the same chain the
 * catalogue used, looks the fingerprints up in a {@link io.sekisho.catalogue.CatalogueSnapshot}
 * (which already leaves out common and ignored text), and turns the hits into
 * {@link io.sekisho.match.Match}es with passages in the original text.
 *
 * <p>It reports, it does not judge: thresholds, verdicts and replies belong to the decide stage.
 * It must never use Lucene directly, never keep content after returning, and never log content.
 * See {@code docs/fingerprints.md} for what the numbers in a match mean.
 */
package io.sekisho.match;
