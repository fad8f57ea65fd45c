package io.sekisho.receive.http;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
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
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * The interception CA: an EC P-256 key and a self-signed CA certificate in a folder
 * ({@value #CERT_FILE}, and {@value #KEY_FILE} readable by its owner only), made by
 * {@code sekisho ca init}. It signs the short-lived certificates the proxy shows clients for
 * intercepted hosts. Keys are EC P-256 throughout (never 1024-bit RSA).
 */
public final class InterceptionCa {
    public static final String CERT_FILE = "ca.crt";
    public static final String KEY_FILE = "ca.key";
    /** How long the CA certificate is valid: browsers must be given a new one before then. */
    public static final Duration CA_VALIDITY = Duration.ofDays(5 * 365);
    /** Certificates start this far in the past, for clients whose clocks are behind. */
    public static final Duration BACKDATE = Duration.ofHours(1);
    static final String SIGNATURE = "SHA256withECDSA";

    private final X509Certificate certificate;
    private final PrivateKey key;

    private InterceptionCa(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    PrivateKey key() {
        return key;
    }

    /** Makes a new CA in {@code dir}; refuses to overwrite one that is there. */
    public static InterceptionCa create(Path dir, String name) throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        Path certFile = dir.resolve(CERT_FILE);
        Path keyFile = dir.resolve(KEY_FILE);
        if (Files.exists(certFile) || Files.exists(keyFile)) {
            throw new FileAlreadyExistsException(dir + " already holds a CA (" + CERT_FILE + ", " + KEY_FILE + ")");
        }
        KeyPair pair = newKeyPair();
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + name + ", O=Sekisho interception CA");
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minus(BACKDATE)),
                Date.from(now.plus(CA_VALIDITY)), subject, pair.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
        X509Certificate cert = sign(b, pair.getPrivate());
        writeKey(keyFile, pair.getPrivate());
        Files.writeString(certFile, pem(cert), StandardCharsets.US_ASCII);
        return new InterceptionCa(cert, pair.getPrivate());
    }

    /** Loads the CA from {@code dir}; {@link IllegalArgumentException} says what is wrong. */
    public static InterceptionCa load(Path dir) throws IOException {
        Object certObj = readPem(dir.resolve(CERT_FILE));
        Object keyObj = readPem(dir.resolve(KEY_FILE));
        if (!(certObj instanceof X509CertificateHolder holder) || !(keyObj instanceof PrivateKeyInfo info)) {
            throw new IllegalArgumentException(dir + ": expected a PEM certificate in " + CERT_FILE
                    + " and a PKCS#8 key in " + KEY_FILE);
        }
        try {
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(holder);
            cert.checkValidity();
            PrivateKey key = new JcaPEMKeyConverter().getPrivateKey(info);
            return new InterceptionCa(cert, key);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(dir + ": unusable CA: " + e.getMessage(), e);
        }
    }

    /** A server certificate for {@code names} (DNS names or IP addresses), signed by this CA. */
    X509Certificate issue(KeyPair leafKey, List<String> names, Duration validity) throws GeneralSecurityException, IOException {
        Instant now = Instant.now();
        GeneralName[] sans = names.stream().map(n -> n.matches("[0-9.]+|.*:.*")
                ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new);
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        Date notAfter = Date.from(now.plus(validity));
        if (notAfter.after(certificate.getNotAfter())) {
            notAfter = certificate.getNotAfter();
        }
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(now.minus(BACKDATE)),
                notAfter, new X500Name("CN=" + names.get(0)), leafKey.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans))
                .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate))
                .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(leafKey.getPublic()));
        return sign(b, key);
    }

    static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws GeneralSecurityException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(key);
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, new SecureRandom()).add(BigInteger.ONE);
    }

    static String pem(Object o) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(o);
        }
        return s.toString();
    }

    private static void writeKey(Path file, PrivateKey key) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
             JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
        }
    }

    private static Object readPem(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            return p.readObject();
        }
    }
}
