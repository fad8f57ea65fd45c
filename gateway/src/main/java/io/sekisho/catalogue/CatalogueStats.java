package io.sekisho.catalogue;

import java.util.List;
import java.util.Map;

/**
 * What a catalogue holds.
 *
 * @param documents            live catalogue documents
 * @param documentsPerLevel    live documents per level, in level order (highest first)
 * @param fingerprints         sum of the documents' distinct fingerprint counts
 * @param distinctFingerprints distinct fingerprint terms in the index; until Lucene merges away
 *                             replaced or removed documents this may count some of theirs too
 * @param ignoredTexts         names of the texts declared public with {@link Catalogue#ignore}
 * @param indexBytes           size of the index files on disk
 * @param schemeId             the fingerprint scheme the catalogue was built with
 * @param levels               classification levels, highest first
 * @param boilerplateMinDocuments see {@link CatalogueSettings}
 */
public record CatalogueStats(int documents, Map<String, Integer> documentsPerLevel, long fingerprints,
                             long distinctFingerprints, List<String> ignoredTexts, long indexBytes, String schemeId,
                             List<String> levels, int boilerplateMinDocuments) {
    public CatalogueStats {
        documentsPerLevel = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(documentsPerLevel));
        ignoredTexts = List.copyOf(ignoredTexts);
        levels = List.copyOf(levels);
    }
}
