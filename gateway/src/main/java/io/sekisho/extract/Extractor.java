package io.sekisho.extract;

import java.nio.file.Path;

/**
 * Turns a file of any format into text, recursing into every container.
 *
 * <p>Contract: {@link #extract} never throws for anything about the file's content or
 * readability; a missing, unreadable, corrupt, encrypted, hostile or unsupported file yields a
 * result whose status says so. When extraction itself cannot run (no worker process starts) it
 * throws {@link ExtractionUnavailableException}. Implementations are thread-safe.
 */
public interface Extractor extends AutoCloseable {

    ExtractionResult extract(Path file);

    @Override
    void close();
}
