package io.sekisho.receive.http;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The proxy's users (http.users): one {@code name:pbkdf2-sha256:iterations:salt:hash} per line,
 * salt and hash in base64; blank lines and {@code #} comments are ignored. Checking a password
 * costs a PBKDF2 computation on purpose, so it runs on an inspection thread, never the event loop.
 */
public final class ProxyUsers {
    static final String SCHEME = "pbkdf2-sha256";
    static final int MIN_ITERATIONS = 10_000;
    /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256. */
    public static final int DEFAULT_ITERATIONS = 600_000;

    private record Entry(int iterations, byte[] salt, byte[] hash) {
    }

    private final Map<String, Entry> users;

    private ProxyUsers(Map<String, Entry> users) {
        this.users = users;
    }

    /** Reads a users file; {@link IllegalArgumentException} names the file and line of a bad entry. */
    public static ProxyUsers load(Path file) throws IOException {
        Map<String, Entry> users = new HashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split(":", -1);
            try {
                if (f.length != 5 || f[0].isEmpty() || !f[1].equals(SCHEME)) {
                    throw new IllegalArgumentException("expected name:" + SCHEME + ":iterations:salt:hash");
                }
                int iterations = Integer.parseInt(f[2]);
                if (iterations < MIN_ITERATIONS) {
                    throw new IllegalArgumentException("fewer than " + MIN_ITERATIONS + " iterations");
                }
                users.put(f[0], new Entry(iterations, Base64.getDecoder().decode(f[3]), Base64.getDecoder().decode(f[4])));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new ProxyUsers(Map.copyOf(users));
    }

    /** A users-file line for {@code name} with a fresh salt. */
    public static String line(String name, String password, int iterations) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return name + ":" + SCHEME + ":" + iterations + ":" + Base64.getEncoder().encodeToString(salt) + ":"
                + Base64.getEncoder().encodeToString(derive(password, salt, iterations));
    }

    /**
     * The user named by a {@code Proxy-Authorization: Basic ...} value when the password is right,
     * else null. Slow on purpose: never call it on an event loop.
     */
    public String authenticate(String proxyAuthorization) {
        if (proxyAuthorization == null || !proxyAuthorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(proxyAuthorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        String name = decoded.substring(0, colon);
        Entry e = users.get(name);
        if (e == null) {
            return null;
        }
        byte[] actual = derive(decoded.substring(colon + 1), e.salt(), e.iterations());
        return MessageDigest.isEqual(actual, e.hash()) ? name : null;
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        PKCS5S2ParametersGenerator gen = new PKCS5S2ParametersGenerator(new SHA256Digest());
        gen.init(password.getBytes(StandardCharsets.UTF_8), salt, iterations);
        return ((KeyParameter) gen.generateDerivedParameters(256)).getKey();
    }
}
