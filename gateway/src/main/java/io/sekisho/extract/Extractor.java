package io.sekisho.extract;

import java.io.IOException;
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

    /** Makes the content a file, for an extraction that must read it by path. */
    @FunctionalInterface
    interface FileSource {
        Path file() throws IOException;
    }

    /**
     * As {@link #extract(Path, String, boolean)}, for content the caller holds in memory: an
     * implementation that can extract it in this process (plain text, docs/adr/0011) reads the
     * bytes and makes no file; otherwise it asks {@code asFile} for one (docs/adr/0013).
     *
     * @param name   the file name the content has for the sender (for detection, and the path in
     *               the result)
     * @param asFile the content as a file with that name, made when called
     * @throws ExtractionUnavailableException when that file cannot be made: the spool's fault, not
     *                                        the content's
     */
    default ExtractionResult extract(String name, byte[] bytes, String declaredType, boolean gatewayText,
                                     FileSource asFile) {
        return extract(fileFor(name, asFile), declaredType, gatewayText);
    }

    /** {@code asFile}'s file; a failure to make it is extraction being unavailable, not a bad file. */
    static Path fileFor(String name, FileSource asFile) {
        try {
            return asFile.file();
        } catch (IOException | RuntimeException e) {
            throw new ExtractionUnavailableException("cannot write " + name + " to the spool for extraction: " + e, e);
        }
    }

    @Override
    void close();
}
