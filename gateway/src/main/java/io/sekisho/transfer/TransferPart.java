package io.sekisho.transfer;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One piece of content a transfer carries, as received: a mail body or attachment, an uploaded
 * file or form field, a raw request body. Its content is spooled to a file so extraction (in
 * another process) can read it.
 *
 * @param name         the name the sender gave it (attachment file name, form field), or a made-up one
 * @param declaredType the media type the sender declared (Content-Type), or null
 * @param size         bytes
 * @param sha256       hex SHA-256 of the bytes
 * @param content      where the bytes are spooled
 */
public record TransferPart(String name, String declaredType, long size, String sha256, Path content) {
    public TransferPart {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(content, "content");
    }
}
