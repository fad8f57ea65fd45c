package io.sekisho.catalogue;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;

/**
 * Per-catalogue settings, written to {@code catalogue.json} when the catalogue is created and
 * fixed after that (changing them later would change what existing entries mean).
 *
 * @param levels                  classification levels, highest first; every document has one
 * @param boilerplateMinDocuments a fingerprint found in at least this many live documents is
 *                                common text (a shared notice, a template) and never matches
 */
public record CatalogueSettings(List<String> levels, int boilerplateMinDocuments) {

    public static final CatalogueSettings DEFAULT =
            new CatalogueSettings(List.of("top-secret", "secret", "confidential"), 3);

    public CatalogueSettings {
        if (levels == null || levels.isEmpty()) {
            throw new CatalogueException("levels: at least one classification level is required");
        }
        levels = List.copyOf(levels);
        var seen = new HashSet<String>();
        for (String level : levels) {
            if (level == null || !level.matches("[a-z0-9][a-z0-9_-]*")) {
                throw new CatalogueException("levels: '" + level
                        + "' is not a valid level name (lower-case letters, digits, '-' and '_')");
            }
            if (!seen.add(level)) {
                throw new CatalogueException("levels: '" + level + "' is listed twice");
            }
        }
        // 2 is the least that makes sense: 1 would make every fingerprint common.
        if (boilerplateMinDocuments < 2) {
            throw new CatalogueException("boilerplate.minDocuments: must be at least 2, was " + boilerplateMinDocuments);
        }
    }

    /** Rank of a level, 0 for the highest; levels not in this catalogue rank after all others. */
    public int rank(String level) {
        int i = levels.indexOf(level == null ? "" : level.toLowerCase(Locale.ROOT));
        return i < 0 ? levels.size() : i;
    }
}
