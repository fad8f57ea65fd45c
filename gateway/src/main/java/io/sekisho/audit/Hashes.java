package io.sekisho.audit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 in lower-case hex, the one hash of the audit format. */
final class Hashes {
    /** What the first record of a log chains from. */
    static final String GENESIS = "0".repeat(64);

    private Hashes() {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    static String sha256Hex(byte[] bytes, int offset, int length) {
        MessageDigest d = sha256();
        d.update(bytes, offset, length);
        return HexFormat.of().formatHex(d.digest());
    }
}
