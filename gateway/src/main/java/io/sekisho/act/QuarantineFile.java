package io.sekisho.act;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The bytes of one quarantine file (see {@code docs/audit-format.md}):
 * {@code "SKQ1" | key id (8) | header length (4, big-endian) | header | body}, where header and
 * body are each {@code nonce (12) | AES-256-GCM ciphertext with its 16-byte tag}. The associated
 * data binds each blob to its role and to the incident id, so a file renamed to another id, or a
 * header swapped between files, fails authentication.
 */
final class QuarantineFile {
    private static final byte[] MAGIC = "SKQ1".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private QuarantineFile() {
    }

    static byte[] seal(SecretKey key, String id, byte[] header, byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + header.length + 128);
        DataOutputStream data = new DataOutputStream(out);
        byte[] h = encrypt(key, aad(id, "header"), header);
        data.write(MAGIC);
        data.write(QuarantineKey.id(key));
        data.writeInt(h.length);
        data.write(h);
        data.write(encrypt(key, aad(id, "body"), body));
        return out.toByteArray();
    }

    /** The decrypted header; {@code withBody} also decrypts the body. */
    record Opened(byte[] header, byte[] body) {
    }

    static Opened open(SecretKey key, String id, byte[] file, boolean withBody) throws QuarantineException {
        try {
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(file));
            byte[] magic = in.readNBytes(4);
            if (!Arrays.equals(magic, MAGIC)) {
                throw damaged(id, "it does not start with SKQ1", null);
            }
            byte[] keyId = in.readNBytes(8);
            if (!Arrays.equals(keyId, QuarantineKey.id(key))) {
                throw new QuarantineException(QuarantineException.Reason.WRONG_KEY, "quarantine entry " + id
                        + " is encrypted with key " + QuarantineKey.idHex(keyId) + ", not with the given key "
                        + QuarantineKey.idHex(QuarantineKey.id(key)));
            }
            int headerLength = in.readInt();
            if (headerLength < NONCE + TAG_BITS / 8 || headerLength > file.length - 16) {
                throw damaged(id, "its header length is impossible", null);
            }
            int headerStart = 16;
            byte[] header = decrypt(key, aad(id, "header"), file, headerStart, headerLength);
            byte[] body = withBody ? decrypt(key, aad(id, "body"), file, headerStart + headerLength,
                    file.length - headerStart - headerLength) : null;
            return new Opened(header, body);
        } catch (EOFException e) {
            throw damaged(id, "it is cut short", e);
        } catch (AEADBadTagException e) {
            throw damaged(id, "authentication failed (the file was altered or cut, or renamed from another id)", e);
        } catch (IOException | GeneralSecurityException e) {
            throw damaged(id, e.getMessage(), e);
        }
    }

    private static QuarantineException damaged(String id, String why, Throwable cause) {
        return new QuarantineException(QuarantineException.Reason.DAMAGED,
                "quarantine entry " + id + " is damaged: " + why, cause);
    }

    private static byte[] encrypt(SecretKey key, byte[] aad, byte[] plain) throws IOException {
        try {
            byte[] nonce = new byte[NONCE];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad);
            byte[] sealed = c.doFinal(plain);
            return ByteBuffer.allocate(NONCE + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encrypt: " + e.getMessage(), e);
        }
    }

    private static byte[] decrypt(SecretKey key, byte[] aad, byte[] file, int offset, int length)
            throws GeneralSecurityException, EOFException {
        if (length < NONCE + TAG_BITS / 8 || offset + length > file.length) {
            throw new EOFException();
        }
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, file, offset, NONCE));
        c.updateAAD(aad);
        return c.doFinal(file, offset + NONCE, length - NONCE);
    }

    private static byte[] aad(String id, String role) {
        return ("SKQ1|" + role + "|" + id).getBytes(StandardCharsets.UTF_8);
    }
}
