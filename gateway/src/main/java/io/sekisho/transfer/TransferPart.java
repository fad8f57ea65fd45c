package io.sekisho.transfer;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One piece of content a transfer carries, as received: a mail body or attachment, an uploaded
 * file or form field, a raw request body. Its content is in memory when small and in a spool file
 * when not ({@link PartContent}); a worker that must read it by path gets a file only then.
 *
 * @param name         the name the sender gave it (attachment file name, form field), or a made-up one
 * @param declaredType the media type the sender declared (Content-Type), or null
 * @param size         bytes
 * @param sha256       hex SHA-256 of the bytes, or null to have {@link #sha256()} compute it from
 *                      the content when first asked (see {@link PartContent#sha256()})
 * @param content      the bytes, in memory or spooled
 * @param uninspectable null when the bytes are the content itself; otherwise why they cannot be
 *                      read whatever the extractor does: {@value #SMIME_ENCRYPTED},
 *                      {@value #SMIME_OPAQUE_SIGNED}, {@value #PGP_ENCRYPTED}. The policy treats
 *                      such a part as uninspectable (ADR 0004), never as clean.
 * @param gatewayText   true only for text the gateway itself wrote as UTF-8 (the decoded Subject
 *                      of a mail): its meaning is the text a reader sees, whatever formats its
 *                      bytes resemble, so extraction need not detect a format. Set by the code
 *                      that writes such a part, never from anything a sender chooses (a name,
 *                      a declared type).
 */
public record TransferPart(String name, String declaredType, long size, String sha256, PartContent content,
        String uninspectable, boolean gatewayText) {
    /** S/MIME enveloped data (application/pkcs7-mime; smime-type=enveloped-data, or no smime-type). */
    public static final String SMIME_ENCRYPTED = "smime-encrypted";
    /** S/MIME signed data wrapped in the signature (pkcs7-mime signed-data): the text is inside the blob. */
    public static final String SMIME_OPAQUE_SIGNED = "smime-opaque-signed";
    /** OpenPGP: multipart/encrypted, application/pgp-encrypted, or an inline PGP MESSAGE block. */
    public static final String PGP_ENCRYPTED = "pgp-encrypted";

    public TransferPart {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(content, "content");
    }

    /** A part as received from a sender. */
    public TransferPart(String name, String declaredType, long size, String sha256, PartContent content,
            String uninspectable) {
        this(name, declaredType, size, sha256, content, uninspectable, false);
    }

    /** A part whose bytes can be read. */
    public TransferPart(String name, String declaredType, long size, String sha256, PartContent content) {
        this(name, declaredType, size, sha256, content, null);
    }

    /** A part whose bytes are in a file (the command line's scan, policy tests). */
    public TransferPart(String name, String declaredType, long size, String sha256, Path content) {
        this(name, declaredType, size, sha256, PartContent.of(content));
    }

    /** Hex SHA-256 of the bytes: as given, else the content's, computed on first use. */
    @Override
    public String sha256() {
        return sha256 != null ? sha256 : content.sha256();
    }

    public boolean inspectable() {
        return uninspectable == null;
    }
}
