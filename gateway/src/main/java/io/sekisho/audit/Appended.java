package io.sekisho.audit;

/**
 * A record that is on disk.
 *
 * @param seq     its sequence number in the log (from 1, without gaps)
 * @param hash    its hash, which the next record carries as {@code prev}
 * @param segment the segment file that holds it
 */
public record Appended(long seq, String hash, String segment) {
}
