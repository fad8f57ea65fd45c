package io.sekisho.audit;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jcajce.interfaces.EdDSAPrivateKey;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/**
 * Ed25519 checkpoint keys (Bouncy Castle) as PEM files: PKCS#8 {@code PRIVATE KEY} and X.509
 * {@code PUBLIC KEY}, what {@code openssl pkey} reads and writes too.
 */
public final class AuditKeys {
    static final Provider BC = new BouncyCastleProvider();

    private AuditKeys() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519", BC).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Bouncy Castle provides Ed25519", e);
        }
    }

    /** Writes a new key pair; the private key file is readable by its owner only (0600). Never overwrites. */
    public static KeyPair generate(Path privateKeyFile, Path publicKeyFile) throws IOException {
        if (Files.exists(privateKeyFile)) {
            throw new FileAlreadyExistsException(privateKeyFile.toString(), null, "will not overwrite a key");
        }
        if (Files.exists(publicKeyFile)) {
            throw new FileAlreadyExistsException(publicKeyFile.toString(), null, "will not overwrite a key");
        }
        KeyPair pair = generate();
        writeOwnerOnly(privateKeyFile, pem(pair.getPrivate()).getBytes(StandardCharsets.US_ASCII));
        Files.writeString(publicKeyFile, pem(pair.getPublic()), StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
        return pair;
    }

    /** Creates a file that only its owner can read, where the file system knows permissions. */
    public static void writeOwnerOnly(Path file, byte[] content) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        OutputStream out;
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            out = Files.newOutputStream(file, StandardOpenOption.WRITE);
        } catch (UnsupportedOperationException e) {
            out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW);
        }
        try (OutputStream o = out) {
            o.write(content);
        }
    }

    public static PrivateKey readPrivateKey(Path file) throws IOException {
        Object o = readPem(file);
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(BC);
        if (o instanceof PrivateKeyInfo info) {
            return converter.getPrivateKey(info);
        }
        if (o instanceof PEMKeyPair pair) {
            return converter.getKeyPair(pair).getPrivate();
        }
        throw new IOException(file + " holds no private key");
    }

    public static PublicKey readPublicKey(Path file) throws IOException {
        Object o = readPem(file);
        if (o instanceof SubjectPublicKeyInfo info) {
            return new JcaPEMKeyConverter().setProvider(BC).getPublicKey(info);
        }
        throw new IOException(file + " holds no public key");
    }

    /** The public half of an Ed25519 private key. */
    public static PublicKey publicKeyOf(PrivateKey key) {
        if (key instanceof EdDSAPrivateKey ed) {
            return ed.getPublicKey();
        }
        throw new IllegalArgumentException("not an Ed25519 key: " + key.getAlgorithm());
    }

    /** A short name for a public key: the first 16 hex digits of SHA-256 over its X.509 encoding. */
    public static String keyId(PublicKey key) {
        return Hashes.sha256Hex(key.getEncoded()).substring(0, 16);
    }

    static String sign(PrivateKey key, byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519", BC);
            s.initSign(key);
            s.update(message);
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with " + key.getAlgorithm(), e);
        }
    }

    static boolean verify(PublicKey key, byte[] message, String signature) {
        try {
            Signature s = Signature.getInstance("Ed25519", BC);
            s.initVerify(key);
            s.update(message);
            return s.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static Object readPem(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
            Object o = parser.readObject();
            if (o == null) {
                throw new IOException(file + " is not a PEM file");
            }
            return o;
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new IOException(file + " is not a readable PEM key: " + e.getMessage(), e);
        }
    }

    private static String pem(Object key) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(key);
        }
        return s.toString();
    }
}
