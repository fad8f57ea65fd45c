package io.sekisho.transfer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The bytes of a message, a body or a part: held in memory when small, in a spool file when not
 * (as Netty's {@code MixedFileUpload} keeps an upload in memory until it passes a limit). Small
 * transfers then cost the spool's file system nothing: for 10 KiB mail, creating and removing a
 * file per message and per part was most of the gateway's kernel time (docs/adr/0013).
 *
 * <p>A file exists only where something must read by path: a part going to an extraction worker
 * is written (or, when spooled, hard-linked) under its sender's name by {@link #asFile}.
 *
 * <p>The array of content held in memory is shared, not copied: nobody may change it.
 */
public final class PartContent {
    private final byte[] bytes;
    private final Path file;
    private final long size;
    /** The SHA-256, once something asked for it; the bytes never change, so neither does it. */
    private volatile String sha256;

    private PartContent(byte[] bytes, Path file, long size) {
        this.bytes = bytes;
        this.file = file;
        this.size = size;
    }

    /** Content in memory; the array is the content's from now on. */
    public static PartContent of(byte[] bytes) {
        return new PartContent(Objects.requireNonNull(bytes, "bytes"), null, bytes.length);
    }

    /** Content in a file (its size is read when first asked for). */
    public static PartContent of(Path file) {
        return new PartContent(null, Objects.requireNonNull(file, "file"), -1);
    }

    /** Content in a file whose size the caller knows (it just wrote it). */
    public static PartContent spooled(Path file, long size) {
        return new PartContent(null, Objects.requireNonNull(file, "file"), size);
    }

    /** True when the bytes are in memory and no file holds them. */
    public boolean inMemory() {
        return bytes != null;
    }

    /** The spool file, or null for content in memory. */
    public Path file() {
        return file;
    }

    /** The number of bytes. */
    public long size() {
        if (size >= 0) {
            return size;
        }
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + file, e);
        }
    }

    /**
     * All the bytes: the array itself for content in memory (not to be changed), else the file read
     * whole. For callers that need them all at once (quarantine, an in-process extraction).
     */
    public byte[] bytes() throws IOException {
        return bytes != null ? bytes : Files.readAllBytes(file);
    }

    /**
     * The hex SHA-256 of the bytes, computed when first asked for. Only a record or a quarantine
     * entry needs it, so a transfer that is allowed without one never pays for it: for a 10 KiB
     * upload the digest was a tenth of its inspection's CPU, for a 10 MiB one tens of milliseconds.
     *
     * @throws UncheckedIOException when the spool file cannot be read
     */
    public String sha256() {
        String known = sha256;
        if (known != null) {
            return known;
        }
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        if (bytes != null) {
            digest.update(bytes);
        } else {
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + " to hash it", e);
            }
        }
        known = HexFormat.of().formatHex(digest.digest());
        sha256 = known;
        return known;
    }

    /** A stream of the bytes from the start; the caller closes it. */
    public InputStream open() throws IOException {
        return bytes != null ? new ByteArrayInputStream(bytes) : Files.newInputStream(file);
    }

    /**
     * The content as the file {@code folder/name}, for a reader that needs a path (an extraction
     * worker): a spool file is hard-linked (no copy), content in memory is written out. Fails when
     * that name is taken.
     */
    public Path asFile(Path folder, String name) throws IOException {
        Path target = folder.resolve(name);
        if (bytes == null) {
            return Files.createLink(target, file);
        }
        return Files.write(target, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    /** Removes the spool file, if any; content in memory is left to the garbage collector. */
    public void delete() {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // The spool folder is private; a leftover is found by its name pattern.
        }
    }

    @Override
    public String toString() {
        return bytes != null ? "memory (" + bytes.length + " bytes)" : file.toString();
    }
}
