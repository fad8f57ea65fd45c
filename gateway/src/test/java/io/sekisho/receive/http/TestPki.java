package io.sekisho.receive.http;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/** A test CA and the origin certificates signed by it (good, expired, wrong host) or by nobody. */
public final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(1000);

    final KeyPair caKey;
    final X509Certificate ca;

    public TestPki(String name) throws Exception {
        caKey = ec();
        X500Name subject = new X500Name("CN=" + name);
        Instant now = Instant.now();
        ca = sign(new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), subject, caKey.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign)), caKey.getPrivate());
    }

    static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** A server SSLContext for {@code dnsName}, valid from..to, signed by this CA (or self-signed). */
    SSLContext server(String dnsName, Instant from, Instant to, boolean selfSigned) throws Exception {
        KeyPair key = ec();
        X500Name subject = new X500Name("CN=" + dnsName);
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(selfSigned ? subject : new X500Name(ca.getSubjectX500Principal().getName()),
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(from), Date.from(to), subject, key.getPublic())
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                        new GeneralName(GeneralName.dNSName, dnsName)}));
        X509Certificate cert = sign(b, selfSigned ? key.getPrivate() : caKey.getPrivate());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        X509Certificate[] chain = selfSigned ? new X509Certificate[]{cert} : new X509Certificate[]{cert, ca};
        ks.setKeyEntry("server", key.getPrivate(), "pw".toCharArray(), chain);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "pw".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    public SSLContext server(String dnsName) throws Exception {
        Instant now = Instant.now();
        return server(dnsName, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), false);
    }

    public Path caPem(Path file) throws Exception {
        Files.writeString(file, InterceptionCa.pem(ca));
        return file;
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }
}
