package io.sekisho.catalogue;

import io.sekisho.fingerprint.FingerprintScheme;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.store.LockObtainFailedException;

/** Turns what can go wrong with an index into one-line {@link CatalogueException}s. */
final class IndexGuard {

    private IndexGuard() {
    }

    /** A catalogue built with another scheme would silently match nothing, so refuse it. */
    static void checkScheme(Path catalogueDir, Map<String, String> commitUserData) {
        String built = commitUserData.get(IndexFields.SCHEME_KEY);
        String ours = FingerprintScheme.DEFAULT.id();
        if (!ours.equals(built)) {
            throw new CatalogueException("catalogue " + catalogueDir + " was built with fingerprint scheme "
                    + (built == null ? "(none recorded)" : "'" + built + "'") + "; this Sekisho uses '" + ours
                    + "': rebuild it (move the folder away and register the documents again with"
                    + " 'sekisho catalogue add')");
        }
    }

    static CatalogueException failure(Path catalogueDir, String doing, IOException e) {
        if (e instanceof LockObtainFailedException) {
            return new CatalogueException("catalogue " + catalogueDir + " is being changed by another process"
                    + " (its write lock is held); try again when that has finished", e);
        }
        if (e instanceof CorruptIndexException || e instanceof IndexFormatTooOldException
                || e instanceof IndexFormatTooNewException || e instanceof java.io.EOFException
                || e instanceof java.nio.file.NoSuchFileException || e instanceof java.io.FileNotFoundException) {
            return new CatalogueException("catalogue " + catalogueDir + " is damaged or unreadable ("
                    + oneLine(e) + "): rebuild it with 'sekisho catalogue add'", e);
        }
        return new CatalogueException("catalogue " + catalogueDir + ": cannot " + doing + ": " + oneLine(e), e);
    }

    private static String oneLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s+", " ").trim();
    }
}
