package io.sekisho.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Every configuration key, declared once with its type, default and help text. The loader, error
 * messages and the completeness test of {@code deploy/sekisho.yaml} all read this table; add a
 * key here (and to {@link #ALL}) and nowhere else.
 */
public final class ConfigOptions {
    private ConfigOptions() {
    }

    /** Every section, in documentation order. A section is present when the file names it. */
    public static final List<String> SECTIONS = List.of("", "smtp", "smtp.tls", "audit", "audit.syslog", "quarantine",
            "http", "http.tls", "icap", "admin", "log");

    // ---- top level

    public static final Option<Path> CATALOGUE = Option.required("catalogue", ValueType.PATH,
            "The catalogue folder (made with `sekisho catalogue init/add`).");

    public static final Option<Path> POLICY = Option.optional("policy", ValueType.PATH, null, "none",
            "The policy file; without one the built-in default policy applies.");

    public static final Option<List<String>> INTERNAL_DOMAINS = Option.optional("internalDomains",
            ValueType.listOf(ValueType.DOMAIN), List.of(), "[]",
            "Mail domains of the company: recipients in them (and their subdomains) are internal.");

    public static final Option<String> INSTANCE = Option.computed("instance", ValueType.STRING,
            ConfigOptions::localHostName, "this machine's host name",
            "This gateway's name in every audit record (one audit log per instance).");

    // ---- smtp: the outbound relay hop after the company's mail server

    public static final Option<HostPort> SMTP_LISTEN = Option.required("smtp.listen", ValueType.HOST_PORT,
            "Address and port to accept mail on (port 0: any free port, for tests).");

    public static final Option<HostPort> SMTP_NEXT_HOP = Option.required("smtp.nextHop", ValueType.HOST_PORT,
            "The SMTP server that gets the mail Sekisho lets through (the internet-facing relay).");

    public static final Option<List<Cidr>> SMTP_ALLOWED_CLIENTS = Option.optional("smtp.allowedClients",
            ValueType.listOf(ValueType.CIDR),
            List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128")), "[127.0.0.0/8, ::1/128]",
            "Address blocks that may relay through Sekisho (the company's mail servers). Any other "
                    + "client gets 554 5.7.1 at connect. Never 0.0.0.0/0: that would be an open relay.");

    public static final Option<String> SMTP_HOSTNAME = Option.computed("smtp.hostname", ValueType.HOSTNAME,
            ConfigOptions::localHostName, "this machine's host name",
            "The name in the greeting, the EHLO sent to the next hop, and the X-Sekisho-Inspected header.");

    public static final Option<Long> SMTP_MAX_MESSAGE_BYTES = Option.optional("smtp.maxMessageBytes",
            ValueType.size(1024, 2L * 1024 * 1024 * 1024), 25L * 1024 * 1024, "25MiB",
            "Largest message accepted, advertised in SIZE; larger ones get 552 5.3.4.");

    public static final Option<Integer> SMTP_MAX_RECIPIENTS = Option.optional("smtp.maxRecipients",
            ValueType.integer(1, 100_000), 100, "100",
            "Recipients per message; more get 452 4.5.3 (the client sends the rest in another message).");

    public static final Option<Integer> SMTP_MAX_LINE_LENGTH = Option.optional("smtp.maxLineLength",
            ValueType.integer(512, 65_536), 512, "512",
            "Longest command line in bytes, CRLF included (RFC 5321: at least 512); longer gets 500 5.5.2. "
                    + "Message lines follow RFC 5322 (998 characters plus CRLF) whatever this says.");

    public static final Option<Duration> SMTP_COMMAND_TIMEOUT = Option.optional("smtp.commandTimeout",
            ValueType.duration(Duration.ofSeconds(1), Duration.ofHours(1)), Duration.ofMinutes(5), "5m",
            "How long to wait for the client's next command; then 421 4.4.2 and close.");

    public static final Option<Duration> SMTP_DATA_TIMEOUT = Option.optional("smtp.dataTimeout",
            ValueType.duration(Duration.ofSeconds(1), Duration.ofHours(1)), Duration.ofMinutes(3), "3m",
            "How long to wait for more message data during DATA; then 421 4.4.2 and close.");

    public static final Option<Integer> SMTP_MAX_CONNECTIONS = Option.optional("smtp.maxConnections",
            ValueType.integer(1, 100_000), 100, "100",
            "Simultaneous client connections in total; more get 421 4.7.0 at connect.");

    public static final Option<Integer> SMTP_MAX_CONNECTIONS_PER_CLIENT = Option.optional(
            "smtp.maxConnectionsPerClient", ValueType.integer(1, 100_000), 20, "20",
            "Simultaneous connections from one client address; more get 421 4.7.0 at connect.");

    public static final Option<Integer> SMTP_INSPECTION_QUEUE = Option.optional("smtp.inspectionQueue",
            ValueType.integer(0, 100_000), 50, "50",
            "Messages that may wait for an inspection thread; when full, new messages get 451 4.3.2 at once.");

    public static final Option<Integer> SMTP_INSPECTION_THREADS = Option.optional("smtp.inspectionThreads",
            ValueType.integer(1, 1024), 8, "8",
            "Messages inspected and relayed at the same time (each thread also holds one next-hop connection).");

    public static final Option<Duration> SMTP_NEXT_HOP_TIMEOUT = Option.optional("smtp.nextHopTimeout",
            ValueType.duration(Duration.ofMillis(100), Duration.ofHours(1)), Duration.ofMinutes(2), "2m",
            "Connect timeout and per-reply timeout towards the next hop; on expiry the client gets 451 4.4.2.");

    public static final Option<Duration> SMTP_NEXT_HOP_IDLE = Option.optional("smtp.nextHopIdle",
            ValueType.duration(Duration.ZERO, Duration.ofHours(1)), Duration.ofSeconds(2), "2s",
            "How long a connection to the next hop stays open unused, kept for the next message (as Postfix's "
                    + "smtp connection cache); 0s opens a new connection for every message.");

    public static final Option<Duration> SMTP_SHUTDOWN_TIMEOUT = Option.optional("smtp.shutdownTimeout",
            ValueType.duration(Duration.ZERO, Duration.ofHours(1)), Duration.ofSeconds(30), "30s",
            "At stop, how long messages already being inspected or relayed may take to finish.");

    public static final Option<Path> SMTP_SPOOL_DIR = Option.computed("smtp.spoolDir", ValueType.PATH,
            () -> Path.of(System.getProperty("java.io.tmpdir"), "sekisho-spool"), "<temporary folder>/sekisho-spool",
            "Where a message being received is kept until its reply is sent (then it is deleted).");

    public static final Option<Long> SMTP_IN_MEMORY_BYTES = Option.optional("smtp.inMemoryBytes",
            ValueType.size(0, 64L * 1024 * 1024), SmtpConfig.DEFAULT_SMTP_IN_MEMORY_BYTES, "4MiB",
            "A message up to this size is received, inspected and relayed in memory while smtp.inMemoryTotal "
                    + "has room, larger ones go to smtp.spoolDir; its parts share a second allowance as large. "
                    + "0: every message on disk.");

    public static final Option<Long> SMTP_IN_MEMORY_TOTAL = Option.computed("smtp.inMemoryTotal",
            ValueType.size(0, 1024L * 1024 * 1024 * 1024), SmtpConfig::defaultInMemoryTotal, "a quarter of the maximum heap",
            "What all messages being received and inspected, and their parts, may hold in memory together; "
                    + "content that would pass it goes to smtp.spoolDir instead. The bound on the memory mail "
                    + "takes, however many connections send at once.");

    public static final Option<Duration> SMTP_INSPECTION_TIMEOUT = Option.optional("smtp.inspectionTimeout",
            ValueType.duration(Duration.ofSeconds(1), Duration.ofHours(1)), Duration.ofMinutes(2), "2m",
            "Longest inspection of one message; then its unread parts count as timed out and the policy decides.");

    public static final Option<Path> SMTP_TLS_CERTIFICATE = Option.optional("smtp.tls.certificate", ValueType.PATH,
            null, "none", "PEM certificate chain for STARTTLS; with smtp.tls.key. Without both, no STARTTLS.");

    public static final Option<Path> SMTP_TLS_KEY = Option.optional("smtp.tls.key", ValueType.PATH, null, "none",
            "PEM private key (PKCS#8) for STARTTLS; with smtp.tls.certificate.");

    // ---- http: the forward proxy (with TLS interception); icap: the ICAP service

    public static final Option<HostPort> HTTP_LISTEN = Option.required("http.listen", ValueType.HOST_PORT,
            "Address and port of the HTTP(S) forward proxy (port 0: any free port, for tests).");

    public static final Option<Long> HTTP_MAX_BODY_BYTES = Option.optional("http.maxBodyBytes",
            ValueType.size(1024, 16L * 1024 * 1024 * 1024), 100L * 1024 * 1024, "100MiB",
            "Largest request body (also ICAP) spooled and inspected; past it the policy sees a part marked truncated.");

    public static final Option<Path> HTTP_SPOOL_DIR = Option.computed("http.spoolDir", ValueType.PATH,
            () -> Path.of(System.getProperty("java.io.tmpdir"), "sekisho-http-spool"), "<temporary folder>/sekisho-http-spool",
            "Where request bodies (http and icap) are kept while inspected; deleted once answered.");

    public static final Option<Long> HTTP_IN_MEMORY_BYTES = Option.optional("http.inMemoryBytes",
            ValueType.size(0, 64L * 1024 * 1024), HttpConfig.DEFAULT_IN_MEMORY_BYTES, "4MiB",
            "A request body (http and icap) up to this size is inspected in memory, larger ones go to "
                    + "http.spoolDir, as do bodies past http.inMemoryTotal; its decoded parts share a second "
                    + "allowance as large. 0: every body on disk.");

    public static final Option<Long> HTTP_IN_MEMORY_TOTAL = Option.computed("http.inMemoryTotal",
            ValueType.size(0, 1024L * 1024 * 1024 * 1024), SmtpConfig::defaultInMemoryTotal, "a quarter of the maximum heap",
            "What all request bodies (http and icap) being received and inspected, and their decoded parts, may "
                    + "hold in memory together; content that would pass it goes to http.spoolDir instead. The bound "
                    + "on the memory uploads take, however many requests are open.");

    public static final Option<Integer> HTTP_INSPECTION_QUEUE = Option.optional("http.inspectionQueue",
            ValueType.integer(0, 100_000), 100, "100",
            "Requests (http and icap) that may wait for an inspection thread; when full, 503 at once.");

    public static final Option<Integer> HTTP_INSPECTION_THREADS = Option.optional("http.inspectionThreads",
            ValueType.integer(1, 1024), 16, "16",
            "Requests (http and icap) inspected and connected upstream at the same time.");

    public static final Option<Duration> HTTP_IDLE_TIMEOUT = Option.optional("http.idleTimeout",
            ValueType.duration(Duration.ofSeconds(1), Duration.ofHours(1)), Duration.ofMinutes(2), "2m",
            "A client (or ICAP) connection that sends nothing for this long is closed.");

    public static final Option<Duration> HTTP_UPSTREAM_TIMEOUT = Option.optional("http.upstreamTimeout",
            ValueType.duration(Duration.ofMillis(100), Duration.ofHours(1)), Duration.ofMinutes(1), "1m",
            "Connect, TLS handshake and response timeout towards a destination; then 504.");

    public static final Option<Duration> HTTP_UPSTREAM_KEEP_ALIVE = Option.optional("http.upstreamKeepAlive",
            ValueType.duration(Duration.ZERO, Duration.ofMinutes(10)), HttpConfig.DEFAULT_UPSTREAM_KEEP_ALIVE, "2s",
            "How long a connection to a destination is kept open for the next request to it, once its response "
                    + "was complete; 0s: a new connection per request. Keep it below the destinations' own idle "
                    + "timeout (5s for many servers): a request sent as a destination closes the connection gets 502.");

    public static final Option<Duration> HTTP_INSPECTION_TIMEOUT = Option.optional("http.inspectionTimeout",
            ValueType.duration(Duration.ofSeconds(1), Duration.ofHours(1)), Duration.ofMinutes(2), "2m",
            "Longest inspection of one request (http and icap); then its unread parts count as timed out and the policy decides.");

    public static final Option<Path> HTTP_USERS = Option.optional("http.users", ValueType.PATH, null, "none",
            "Users file (name:pbkdf2-sha256:iterations:salt:hash per line); with it the proxy asks for Basic "
                    + "proxy authentication (407) and names the user; without it the user is the client address.");

    public static final Option<Path> HTTP_TLS_CA = Option.optional("http.tls.ca", ValueType.PATH, null, "none",
            "Folder of the interception CA (`sekisho ca init --dir DIR`); without it CONNECT tunnels pass uninspected.");

    public static final Option<List<String>> HTTP_TLS_INTERCEPT = Option.optional("http.tls.intercept",
            ValueType.listOf(ValueType.HOSTNAME), List.of("all"), "[all]",
            "Hosts and domains whose CONNECT tunnels are decrypted and inspected, or all.");

    public static final Option<List<String>> HTTP_TLS_PASS_THROUGH = Option.optional("http.tls.passThrough",
            ValueType.listOf(ValueType.HOSTNAME), List.of(), "[]",
            "Hosts and domains (pinned applications) tunnelled without decryption, each reported as uninspected.");

    public static final Option<Path> HTTP_TLS_TRUST_STORE = Option.optional("http.tls.trustStore", ValueType.PATH,
            null, "the JDK's trust store", "PEM file of CA certificates trusted for destinations instead of the JDK's.");

    public static final Option<Duration> HTTP_TLS_LEAF_VALIDITY = Option.optional("http.tls.leafValidity",
            ValueType.duration(Duration.ofHours(1), Duration.ofDays(30)), Duration.ofDays(1), "24h",
            "Validity of the certificates minted per host (backdated by one hour for clock skew).");

    public static final Option<Integer> HTTP_TLS_CERT_CACHE_SIZE = Option.optional("http.tls.certCacheSize",
            ValueType.integer(1, 1_000_000), 1000, "1000",
            "Minted host certificates kept in memory (least recently used are dropped).");

    public static final Option<HostPort> ICAP_LISTEN = Option.required("icap.listen", ValueType.HOST_PORT,
            "Address and port of the ICAP REQMOD service (for Squid's icap_service).");

    public static final Option<Integer> ICAP_PREVIEW_BYTES = Option.optional("icap.previewBytes",
            ValueType.integer(0, 1024 * 1024), 4096, "4096",
            "Preview size offered in OPTIONS (Squid sends this much before Sekisho asks for the rest).");

    public static final Option<Integer> ICAP_MAX_CONNECTIONS = Option.optional("icap.maxConnections",
            ValueType.integer(1, 100_000), 100, "100",
            "Simultaneous ICAP connections (also Max-Connections in OPTIONS); more are closed at once.");

    // ---- audit and quarantine

    public static final Option<Path> AUDIT_DIR = Option.optional("audit.dir", ValueType.PATH, null, "none",
            "Folder of the audit trail; serve needs it (every decision is recorded before the reply).");

    public static final Option<Path> AUDIT_SIGNING_KEY = Option.optional("audit.signingKey", ValueType.PATH, null, "none",
            "PEM Ed25519 private key that signs checkpoints (sekisho audit keygen); without it, no checkpoints.");

    public static final Option<String> AUDIT_EVIDENCE = Option.optional("audit.evidence",
            ValueType.oneOf("none", "hash", "excerpt"), "hash", "hash",
            "What records keep of matched text: none (offsets only), hash (SHA-256 of the span), excerpt (the text).");

    public static final Option<Integer> AUDIT_CHECKPOINT_EVERY = Option.optional("audit.checkpointEvery",
            ValueType.integer(1, 1_000_000), 1000, "1000", "A signed checkpoint after at most this many records.");

    public static final Option<Duration> AUDIT_CHECKPOINT_INTERVAL = Option.optional("audit.checkpointInterval",
            ValueType.duration(Duration.ofSeconds(1), Duration.ofDays(1)), Duration.ofSeconds(60), "60s",
            "And at most this long after the first record not yet signed.");

    public static final Option<Long> AUDIT_MAX_SEGMENT_BYTES = Option.optional("audit.maxSegmentBytes",
            ValueType.size(4096, 1L << 40), 64L << 20, "64MiB", "A new segment file once the current one is this large.");

    public static final Option<Duration> AUDIT_MAX_SEGMENT_AGE = Option.optional("audit.maxSegmentAge",
            ValueType.duration(Duration.ofMinutes(1), Duration.ofDays(3660)), Duration.ofDays(1), "1d",
            "Or once it is this old.");

    public static final Option<Duration> AUDIT_RETENTION = Option.optional("audit.retention",
            ValueType.duration(Duration.ofDays(1), Duration.ofDays(36600)), null, "none",
            "Segments older than this are removed at rotation, and the removal is recorded; none keeps everything.");

    public static final Option<String> AUDIT_SYSLOG_HOST = Option.optional("audit.syslog.host", ValueType.HOSTNAME,
            null, "none", "SIEM receiving every record as RFC 5424 syslog over TCP; none sends nothing.");

    public static final Option<Integer> AUDIT_SYSLOG_PORT = Option.optional("audit.syslog.port",
            ValueType.integer(1, 65_535), 6514, "6514", "Its port.");

    public static final Option<Boolean> AUDIT_SYSLOG_TLS = Option.optional("audit.syslog.tls", ValueType.BOOLEAN,
            true, "true", "TLS to the SIEM, its certificate checked against the JVM's trust store.");

    public static final Option<Path> QUARANTINE_DIR = Option.optional("quarantine.dir", ValueType.PATH, null, "none",
            "Folder where quarantined transfers are held; serve needs it.");

    public static final Option<Path> QUARANTINE_KEY = Option.optional("quarantine.key", ValueType.PATH, null, "none",
            "AES key file for the quarantine (sekisho quarantine keygen); serve needs it.");

    // ---- admin: operations endpoints; log: the gateway's own log

    public static final Option<HostPort> ADMIN_LISTEN = Option.optional("admin.listen", ValueType.HOST_PORT, null,
            "none", "Address and port of the operations endpoints (/healthz, /readyz, /metrics); none: no admin listener.");

    public static final Option<String> LOG_FORMAT = Option.optional("log.format", ValueType.oneOf("text", "json"),
            "text", "text", "How serve writes its log to stderr: text lines, or one JSON object per line (with the "
                    + "connection and incident ids).");

    public static final Option<String> LOG_LEVEL = Option.optional("log.level",
            ValueType.oneOf("error", "warn", "info", "debug", "trace"), "info", "info",
            "The least severe level serve logs; info has one line per decided transfer.");

    public static final List<Option<?>> ALL = List.of(
            CATALOGUE, POLICY, INTERNAL_DOMAINS, INSTANCE,
            SMTP_LISTEN, SMTP_NEXT_HOP, SMTP_ALLOWED_CLIENTS, SMTP_HOSTNAME,
            SMTP_MAX_MESSAGE_BYTES, SMTP_MAX_RECIPIENTS, SMTP_MAX_LINE_LENGTH,
            SMTP_COMMAND_TIMEOUT, SMTP_DATA_TIMEOUT, SMTP_MAX_CONNECTIONS, SMTP_MAX_CONNECTIONS_PER_CLIENT,
            SMTP_INSPECTION_QUEUE, SMTP_INSPECTION_THREADS, SMTP_NEXT_HOP_TIMEOUT, SMTP_SHUTDOWN_TIMEOUT,
            SMTP_INSPECTION_TIMEOUT,
            SMTP_NEXT_HOP_IDLE,
            SMTP_SPOOL_DIR, SMTP_IN_MEMORY_BYTES, SMTP_IN_MEMORY_TOTAL, SMTP_TLS_CERTIFICATE, SMTP_TLS_KEY,
            AUDIT_DIR, AUDIT_SIGNING_KEY, AUDIT_EVIDENCE, AUDIT_CHECKPOINT_EVERY, AUDIT_CHECKPOINT_INTERVAL,
            AUDIT_MAX_SEGMENT_BYTES, AUDIT_MAX_SEGMENT_AGE, AUDIT_RETENTION,
            AUDIT_SYSLOG_HOST, AUDIT_SYSLOG_PORT, AUDIT_SYSLOG_TLS,
            QUARANTINE_DIR, QUARANTINE_KEY,
            HTTP_LISTEN, HTTP_MAX_BODY_BYTES, HTTP_SPOOL_DIR, HTTP_IN_MEMORY_BYTES, HTTP_IN_MEMORY_TOTAL, HTTP_INSPECTION_QUEUE, HTTP_INSPECTION_THREADS,
            HTTP_IDLE_TIMEOUT, HTTP_UPSTREAM_TIMEOUT, HTTP_UPSTREAM_KEEP_ALIVE, HTTP_INSPECTION_TIMEOUT, HTTP_USERS, HTTP_TLS_CA, HTTP_TLS_INTERCEPT,
            HTTP_TLS_PASS_THROUGH, HTTP_TLS_TRUST_STORE, HTTP_TLS_LEAF_VALIDITY, HTTP_TLS_CERT_CACHE_SIZE,
            ICAP_LISTEN, ICAP_PREVIEW_BYTES, ICAP_MAX_CONNECTIONS,
            ADMIN_LISTEN, LOG_FORMAT, LOG_LEVEL);

    private static String localHostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return name.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?") ? name : "sekisho";
        } catch (UnknownHostException e) {
            return "sekisho";
        }
    }
}
