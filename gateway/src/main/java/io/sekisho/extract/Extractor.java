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

    /**
     * As {@link #extract(Path)}, with the media type the sender declared. The declared type never
     * decides how the file is parsed (the content does); an implementation may use its charset to
     * decode text whose bytes prove that charset.
     *
     * @param declaredType e.g. {@code text/plain; charset=iso-2022-jp}, or null
     */
    default ExtractionResult extract(Path file, String declaredType) {
        return extract(file);
    }

    /**
     * As {@link #extract(Path, String)}, for a file that may be text the gateway wrote itself.
     *
     * @param gatewayText true only when the gateway wrote the file as UTF-8 text (see
     *                    {@code TransferPart.gatewayText()}): an implementation may then decode it
     *                    as text without detecting its format
     */
    default ExtractionResult extract(Path file, String declaredType, boolean gatewayText) {
        return extract(file, declaredType);
    }

    @Override
    void close();
}
