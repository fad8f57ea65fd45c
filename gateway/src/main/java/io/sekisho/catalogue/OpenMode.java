package io.sekisho.catalogue;

/** How {@link Catalogue#open} treats a folder that holds no catalogue yet. */
public enum OpenMode {
    /** Create the catalogue (folder, settings, empty index) if it does not exist: for adding. */
    CREATE_IF_MISSING,
    /** Fail with a {@link CatalogueException} if there is no catalogue: for everything that reads. */
    MUST_EXIST
}
