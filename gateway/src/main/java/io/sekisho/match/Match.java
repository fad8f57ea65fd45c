package io.sekisho.match;

import java.util.List;

/**
 * One catalogue document found in scanned content.
 *
 * @param documentId       the catalogue id
 * @param classification   the document's classification level
 * @param title            the document's title, or null
 * @param owner            the document's owner, or null
 * @param matchedChars     normalised characters of the content covered by passages of this document
 * @param documentCoverage share (0..1) of the document's fingerprints that appear in the content
 * @param contentCoverage  share (0..1) of the content's normalised characters that are this document's text
 * @param passages         where the matched passages lie in the content
 * @param tags             the document's catalogue tags (a project, a partner agreement), possibly empty;
 *                         policies release documents by tag
 */
public record Match(String documentId, String classification, String title, String owner, long matchedChars,
                    double documentCoverage, double contentCoverage, List<Passage> passages, List<String> tags) {
    public Match {
        passages = List.copyOf(passages);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** A match of a document without tags. */
    public Match(String documentId, String classification, String title, String owner, long matchedChars,
                 double documentCoverage, double contentCoverage, List<Passage> passages) {
        this(documentId, classification, title, owner, matchedChars, documentCoverage, contentCoverage, passages,
                List.of());
    }
}
