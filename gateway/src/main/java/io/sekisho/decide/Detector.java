package io.sekisho.decide;

/**
 * A content detector: finds what the catalogue does not know (a classification marking, keywords
 * near each other, a pattern) in extracted text. Implementations must run in time linear in the
 * text: they see every byte that leaves.
 */
interface Detector {
    /** The id rules refer to. */
    String id();

    /** How many occurrences the text must hold for the detector to fire (per transfer). */
    int minCount();

    /** Occurrences in one part's text (already NFKC-normalised by the caller). */
    int count(String text);
}
