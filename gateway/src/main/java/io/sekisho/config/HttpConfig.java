package io.sekisho.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code http} section: the forward proxy and the limits its inspection shares with ICAP.
 * Each component is documented on its key in {@link ConfigOptions}.
 *
 * @param listen null when the file has no {@code http} section (ICAP alone still uses the limits)
 */
public record HttpConfig(HostPort listen, long maxBodyBytes, Path spoolDir, int inspectionQueue, int inspectionThreads,
                         Duration idleTimeout, Duration upstreamTimeout, Duration inspectionTimeout, Path users,
                         Tls tls, long inMemoryBytes, long inMemoryTotal) {
    public HttpConfig {
        Objects.requireNonNull(spoolDir, "spoolDir");
        Objects.requireNonNull(inspectionTimeout, "inspectionTimeout");
        Objects.requireNonNull(tls, "tls");
    }

    /** Without {@code http.inMemoryBytes} and {@code http.inMemoryTotal}: their defaults. */
    public HttpConfig(HostPort listen, long maxBodyBytes, Path spoolDir, int inspectionQueue, int inspectionThreads,
                      Duration idleTimeout, Duration upstreamTimeout, Duration inspectionTimeout, Path users, Tls tls) {
        this(listen, maxBodyBytes, spoolDir, inspectionQueue, inspectionThreads, idleTimeout, upstreamTimeout,
                inspectionTimeout, users, tls, SmtpConfig.DEFAULT_IN_MEMORY_BYTES, SmtpConfig.defaultInMemoryTotal());
    }

    /**
     * {@code http.tls.*}.
     *
     * @param ca          the interception CA folder, or null (then every CONNECT is a reported pass-through)
     * @param intercept   hosts or domains to decrypt, or {@code [all]}
     * @param passThrough hosts or domains never decrypted (checked first)
     * @param trustStore  PEM CA certificates for destinations, or null for the JDK's
     */
    public record Tls(Path ca, List<String> intercept, List<String> passThrough, Path trustStore,
                      Duration leafValidity, int certCacheSize) {
        public Tls {
            intercept = List.copyOf(intercept);
            passThrough = List.copyOf(passThrough);
        }
    }

    /** A copy listening elsewhere: tests use port 0. */
    public HttpConfig withListen(HostPort newListen) {
        return new HttpConfig(newListen, maxBodyBytes, spoolDir, inspectionQueue, inspectionThreads, idleTimeout,
                upstreamTimeout, inspectionTimeout, users, tls, inMemoryBytes, inMemoryTotal);
    }
}
