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
                         Tls tls, long inMemoryBytes, long inMemoryTotal, Duration upstreamKeepAlive) {
    /**
     * {@code http.inMemoryBytes}' default: 4 MiB, as for mail. Large, because
     * {@code http.inMemoryTotal} bounds what all bodies hold together (docs/adr/0017).
     */
    public static final long DEFAULT_IN_MEMORY_BYTES = 4L * 1024 * 1024;

    /** {@code http.upstreamKeepAlive}'s default: below the 5 s after which common servers close an idle connection (ADR 0018). */
    public static final Duration DEFAULT_UPSTREAM_KEEP_ALIVE = Duration.ofSeconds(2);

    public HttpConfig {
        Objects.requireNonNull(spoolDir, "spoolDir");
        Objects.requireNonNull(inspectionTimeout, "inspectionTimeout");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(upstreamKeepAlive, "upstreamKeepAlive");
    }

    /** Without {@code http.upstreamKeepAlive}: its default. */
    public HttpConfig(HostPort listen, long maxBodyBytes, Path spoolDir, int inspectionQueue, int inspectionThreads,
                      Duration idleTimeout, Duration upstreamTimeout, Duration inspectionTimeout, Path users,
                      Tls tls, long inMemoryBytes, long inMemoryTotal) {
        this(listen, maxBodyBytes, spoolDir, inspectionQueue, inspectionThreads, idleTimeout, upstreamTimeout,
                inspectionTimeout, users, tls, inMemoryBytes, inMemoryTotal, DEFAULT_UPSTREAM_KEEP_ALIVE);
    }

    /** Without {@code http.inMemoryBytes} and {@code http.inMemoryTotal}: their defaults. */
    public HttpConfig(HostPort listen, long maxBodyBytes, Path spoolDir, int inspectionQueue, int inspectionThreads,
                      Duration idleTimeout, Duration upstreamTimeout, Duration inspectionTimeout, Path users, Tls tls) {
        this(listen, maxBodyBytes, spoolDir, inspectionQueue, inspectionThreads, idleTimeout, upstreamTimeout,
                inspectionTimeout, users, tls, DEFAULT_IN_MEMORY_BYTES, SmtpConfig.defaultInMemoryTotal());
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
                upstreamTimeout, inspectionTimeout, users, tls, inMemoryBytes, inMemoryTotal, upstreamKeepAlive);
    }

    /** A copy keeping connections to destinations for {@code keepAlive} (zero: not at all). */
    public HttpConfig withUpstreamKeepAlive(Duration keepAlive) {
        return new HttpConfig(listen, maxBodyBytes, spoolDir, inspectionQueue, inspectionThreads, idleTimeout,
                upstreamTimeout, inspectionTimeout, users, tls, inMemoryBytes, inMemoryTotal, keepAlive);
    }
}
