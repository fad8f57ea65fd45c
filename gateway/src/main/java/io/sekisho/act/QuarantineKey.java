package io.sekisho.act;

import io.sekisho.audit.AuditKeys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** The quarantine's AES-256 key: a file holding the base64 of 32 random bytes, readable by its owner only. */
public final class QuarantineKey {
    private QuarantineKey() {
    }

    /** Writes a new key file (0600). Never overwrites. */
    public static SecretKey generate(Path file) throws IOException {
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString(), null, "will not overwrite a key");
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        AuditKeys.writeOwnerOnly(file, (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII));
        return new SecretKeySpec(key, "AES");
    }

    public static SecretKey read(Path file) throws IOException {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is not a quarantine key (base64 of 32 bytes)", e);
        }
        if (key.length != 32) {
            throw new IOException(file + " is not a quarantine key: it holds " + key.length + " bytes, not 32");
        }
        return new SecretKeySpec(key, "AES");
    }

    /**
     * 8 bytes that name a key without revealing it (a hash of a domain string and the key), stored
     * in each quarantine file so a wrong key is told apart from a damaged file.
     */
    static byte[] id(SecretKey key) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update("sekisho-quarantine-key-id".getBytes(StandardCharsets.US_ASCII));
            return Arrays.copyOf(d.digest(key.getEncoded()), 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static String idHex(byte[] id) {
        return HexFormat.of().formatHex(id);
    }
}
