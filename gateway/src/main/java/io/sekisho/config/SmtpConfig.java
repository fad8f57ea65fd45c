package io.sekisho.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code smtp} section: where Sekisho listens as the outbound relay hop, where it relays to,
 * who may use it, and every limit of the conversation. Each component is documented on its key in
 * {@link ConfigOptions}.
 */
public record SmtpConfig(HostPort listen, HostPort nextHop, List<Cidr> allowedClients, String hostname,
                         long maxMessageBytes, int maxRecipients, int maxLineLength,
                         Duration commandTimeout, Duration dataTimeout,
                         int maxConnections, int maxConnectionsPerClient,
                         int inspectionQueue, int inspectionThreads,
                         Duration nextHopTimeout, Duration shutdownTimeout, Path spoolDir, Tls tls,
                         Duration inspectionTimeout, long inMemoryBytes, Duration nextHopIdle, long inMemoryTotal) {
    /** The default of {@code smtp.inspectionTimeout}. */
    public static final Duration DEFAULT_INSPECTION_TIMEOUT = Duration.ofMinutes(2);

    /**
     * The default of {@code smtp.inMemoryBytes}: 4 MiB, mail with an ordinary attachment. Large,
     * because {@code smtp.inMemoryTotal} bounds what all messages hold together.
     */
    public static final long DEFAULT_SMTP_IN_MEMORY_BYTES = 4L * 1024 * 1024;

    /** The default of {@code smtp.nextHopIdle}. */
    public static final Duration DEFAULT_NEXT_HOP_IDLE = Duration.ofSeconds(2);

    public SmtpConfig {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(nextHop, "nextHop");
        allowedClients = List.copyOf(allowedClients);
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(spoolDir, "spoolDir");
        Objects.requireNonNull(inspectionTimeout, "inspectionTimeout");
        Objects.requireNonNull(nextHopIdle, "nextHopIdle");
    }

    /** The default of {@code smtp.inMemoryTotal}: a quarter of this JVM's maximum heap. */
    public static long defaultInMemoryTotal() {
        return Runtime.getRuntime().maxMemory() / 4;
    }

    /**
     * Without {@code smtp.inspectionTimeout}, {@code smtp.inMemoryBytes}, {@code smtp.nextHopIdle}
     * and {@code smtp.inMemoryTotal}: their defaults.
     */
    public SmtpConfig(HostPort listen, HostPort nextHop, List<Cidr> allowedClients, String hostname,
                      long maxMessageBytes, int maxRecipients, int maxLineLength,
                      Duration commandTimeout, Duration dataTimeout,
                      int maxConnections, int maxConnectionsPerClient,
                      int inspectionQueue, int inspectionThreads,
                      Duration nextHopTimeout, Duration shutdownTimeout, Path spoolDir, Tls tls) {
        this(listen, nextHop, allowedClients, hostname, maxMessageBytes, maxRecipients, maxLineLength, commandTimeout,
                dataTimeout, maxConnections, maxConnectionsPerClient, inspectionQueue, inspectionThreads,
                nextHopTimeout, shutdownTimeout, spoolDir, tls, DEFAULT_INSPECTION_TIMEOUT, DEFAULT_SMTP_IN_MEMORY_BYTES,
                DEFAULT_NEXT_HOP_IDLE, defaultInMemoryTotal());
    }

    /** {@code smtp.tls.*}: STARTTLS is offered only when this is present. */
    public record Tls(Path certificate, Path key) {
        public Tls {
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(key, "key");
        }
    }

    /** A copy with other addresses: tests listen on port 0 and point at a sink of their own. */
    public SmtpConfig withAddresses(HostPort newListen, HostPort newNextHop) {
        return new SmtpConfig(newListen, newNextHop, allowedClients, hostname, maxMessageBytes, maxRecipients,
                maxLineLength, commandTimeout, dataTimeout, maxConnections, maxConnectionsPerClient, inspectionQueue,
                inspectionThreads, nextHopTimeout, shutdownTimeout, spoolDir, tls, inspectionTimeout, inMemoryBytes,
                nextHopIdle, inMemoryTotal);
    }
}
