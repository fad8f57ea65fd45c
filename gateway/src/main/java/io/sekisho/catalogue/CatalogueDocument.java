package io.sekisho.catalogue;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A registered classified document's metadata (the text itself is not kept, only its fingerprints).
 *
 * @param id             the catalogue id; adding the same id again replaces the document
 * @param classification one of the catalogue's levels
 * @param title          or null
 * @param owner          or null
 * @param source         where the text came from (a path), or null
 * @param sha256         hex SHA-256 of the source file, or null
 * @param tags           free labels, possibly empty
 * @param addedAt        when it was registered
 * @param fingerprints   how many distinct fingerprints the catalogue holds for it; ignored by
 *                       {@link Catalogue#add}, which computes it
 */
public record CatalogueDocument(String id, String classification, String title, String owner, String source,
                                String sha256, List<String> tags, Instant addedAt, int fingerprints) {

    public CatalogueDocument {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(classification, "classification");
        tags = tags == null ? List.of() : List.copyOf(tags);
        addedAt = addedAt == null ? Instant.EPOCH : addedAt;
    }

    /** Metadata for {@link Catalogue#add}: the fingerprint count is filled in by the catalogue. */
    public CatalogueDocument(String id, String classification, String title, String owner, String source,
                             String sha256, List<String> tags, Instant addedAt) {
        this(id, classification, title, owner, source, sha256, tags, addedAt, 0);
    }
}
