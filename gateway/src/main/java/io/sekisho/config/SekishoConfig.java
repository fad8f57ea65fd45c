package io.sekisho.config;

import io.sekisho.config.ConfigException.Problem;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The whole configuration, validated. Sections a file leaves out are null ({@code smtp}) or hold
 * only defaults ({@code audit}, {@code quarantine}).
 *
 * @param source          the configuration file (absolute)
 * @param catalogue       {@code catalogue}
 * @param policy          {@code policy}, or null
 * @param internalDomains {@code internalDomains}, lower case
 * @param smtp            the {@code smtp} section, or null when the file has none
 * @param audit           the {@code audit} section
 * @param quarantine      the {@code quarantine} section
 * @param instance        {@code instance}: this gateway's name in audit records
 * @param http            the {@code http} section ({@code listen} null when absent: ICAP shares its limits)
 * @param icap            the {@code icap} section, or null
 * @param admin           the {@code admin} section ({@code listen} null: no operations endpoints)
 * @param log             the {@code log} section
 */
public record SekishoConfig(Path source, Path catalogue, Path policy, List<String> internalDomains, SmtpConfig smtp,
                            AuditConfig audit, QuarantineConfig quarantine, String instance, HttpConfig http,
                            IcapConfig icap, AdminConfig admin, LogConfig log) {
    public SekishoConfig {
        Objects.requireNonNull(source, "source");
        internalDomains = List.copyOf(internalDomains);
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(quarantine, "quarantine");
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(log, "log");
    }

    /** {@code admin.*}: the operations endpoints; {@code listen} is null when there are none. */
    public record AdminConfig(HostPort listen) {
    }

    /**
     * {@code log.*}: how {@code serve} logs.
     *
     * @param format text or json
     * @param level  error, warn, info, debug or trace
     */
    public record LogConfig(String format, String level) {
        public LogConfig {
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(level, "level");
        }

        public boolean json() {
            return "json".equals(format);
        }
    }

    /**
     * {@code audit.*}: the audit trail; each component is documented on its key in {@link ConfigOptions}.
     * {@code evidence} is none, hash or excerpt; {@code retention} and {@code syslog} may be null.
     */
    public record AuditConfig(Path dir, Path signingKey, String evidence, int checkpointEvery,
                              Duration checkpointInterval, long maxSegmentBytes, Duration maxSegmentAge,
                              Duration retention, Syslog syslog) {
        /** A log in {@code dir} with every other key at its default. */
        public AuditConfig(Path dir) {
            this(dir, null, "hash", 1000, Duration.ofSeconds(60), 64L << 20, Duration.ofDays(1), null, null);
        }
    }

    /** {@code audit.syslog.*}: where records are also sent. */
    public record Syslog(String host, int port, boolean tls) {
    }

    /** {@code quarantine.*}: where held transfers go, and the key they are encrypted with. */
    public record QuarantineConfig(Path dir, Path key) {
    }

    static SekishoConfig from(Path source, String file, ConfigValues v, List<Problem> problems) {
        SmtpConfig smtp = null;
        if (v.sectionPresent("smtp")) {
            smtp = smtp(file, v, problems);
        }
        String syslogHost = v.get(ConfigOptions.AUDIT_SYSLOG_HOST);
        AuditConfig audit = new AuditConfig(v.get(ConfigOptions.AUDIT_DIR), v.get(ConfigOptions.AUDIT_SIGNING_KEY),
                v.get(ConfigOptions.AUDIT_EVIDENCE), v.get(ConfigOptions.AUDIT_CHECKPOINT_EVERY),
                v.get(ConfigOptions.AUDIT_CHECKPOINT_INTERVAL), v.get(ConfigOptions.AUDIT_MAX_SEGMENT_BYTES),
                v.get(ConfigOptions.AUDIT_MAX_SEGMENT_AGE), v.get(ConfigOptions.AUDIT_RETENTION),
                syslogHost == null ? null : new Syslog(syslogHost, v.get(ConfigOptions.AUDIT_SYSLOG_PORT),
                        v.get(ConfigOptions.AUDIT_SYSLOG_TLS)));
        return new SekishoConfig(source, v.get(ConfigOptions.CATALOGUE), v.get(ConfigOptions.POLICY),
                v.get(ConfigOptions.INTERNAL_DOMAINS), smtp, audit,
                new QuarantineConfig(v.get(ConfigOptions.QUARANTINE_DIR), v.get(ConfigOptions.QUARANTINE_KEY)),
                v.get(ConfigOptions.INSTANCE), http(file, v, problems),
                v.sectionPresent("icap") ? new IcapConfig(v.get(ConfigOptions.ICAP_LISTEN),
                v.get(ConfigOptions.ICAP_PREVIEW_BYTES), v.get(ConfigOptions.ICAP_MAX_CONNECTIONS)) : null,
                admin(file, v, problems),
                new LogConfig(v.get(ConfigOptions.LOG_FORMAT), v.get(ConfigOptions.LOG_LEVEL)));
    }

    private static AdminConfig admin(String file, ConfigValues v, List<Problem> problems) {
        HostPort listen = v.get(ConfigOptions.ADMIN_LISTEN);
        if (listen != null && listen.port() != 0) {
            // Two listeners on one port: the second would fail at start with a less helpful message.
            for (Option<HostPort> other : List.of(ConfigOptions.SMTP_LISTEN, ConfigOptions.HTTP_LISTEN,
                    ConfigOptions.ICAP_LISTEN)) {
                if (v.sectionPresent(other.section()) && listen.equals(v.get(other))) {
                    problems.add(new Problem(file, v.line(ConfigOptions.ADMIN_LISTEN), ConfigOptions.ADMIN_LISTEN.key(),
                            "is " + other.key() + " as well: give the operations endpoints a port of their own"));
                }
            }
        }
        return new AdminConfig(listen);
    }

    private static HttpConfig http(String file, ConfigValues v, List<Problem> problems) {
        List<String> intercept = v.get(ConfigOptions.HTTP_TLS_INTERCEPT);
        if (intercept.contains("all") && intercept.size() > 1) {
            problems.add(new Problem(file, v.line(ConfigOptions.HTTP_TLS_INTERCEPT), ConfigOptions.HTTP_TLS_INTERCEPT.key(),
                    "is either [all] or a list of hosts and domains, not both"));
        }
        if (v.given(ConfigOptions.HTTP_USERS)) {
            readable(file, v, ConfigOptions.HTTP_USERS, problems);
        }
        if (v.given(ConfigOptions.HTTP_TLS_TRUST_STORE)) {
            readable(file, v, ConfigOptions.HTTP_TLS_TRUST_STORE, problems);
        }
        Path ca = v.get(ConfigOptions.HTTP_TLS_CA);
        if (ca != null && !Files.isDirectory(ca)) {
            problems.add(new Problem(file, v.line(ConfigOptions.HTTP_TLS_CA), ConfigOptions.HTTP_TLS_CA.key(),
                    "no folder " + ca + " (make one with `sekisho ca init --dir " + ca + "`)"));
        }
        HttpConfig.Tls tls = new HttpConfig.Tls(ca, intercept, v.get(ConfigOptions.HTTP_TLS_PASS_THROUGH),
                v.get(ConfigOptions.HTTP_TLS_TRUST_STORE), v.get(ConfigOptions.HTTP_TLS_LEAF_VALIDITY),
                v.get(ConfigOptions.HTTP_TLS_CERT_CACHE_SIZE));
        return new HttpConfig(v.sectionPresent("http") ? v.get(ConfigOptions.HTTP_LISTEN) : null,
                v.get(ConfigOptions.HTTP_MAX_BODY_BYTES), v.get(ConfigOptions.HTTP_SPOOL_DIR),
                v.get(ConfigOptions.HTTP_INSPECTION_QUEUE), v.get(ConfigOptions.HTTP_INSPECTION_THREADS),
                v.get(ConfigOptions.HTTP_IDLE_TIMEOUT), v.get(ConfigOptions.HTTP_UPSTREAM_TIMEOUT),
                v.get(ConfigOptions.HTTP_INSPECTION_TIMEOUT), v.get(ConfigOptions.HTTP_USERS), tls,
                v.get(ConfigOptions.HTTP_IN_MEMORY_BYTES), v.get(ConfigOptions.HTTP_IN_MEMORY_TOTAL),
                v.get(ConfigOptions.HTTP_UPSTREAM_KEEP_ALIVE));
    }

    private static SmtpConfig smtp(String file, ConfigValues v, List<Problem> problems) {
        List<Cidr> allowed = v.get(ConfigOptions.SMTP_ALLOWED_CLIENTS);
        for (Cidr c : allowed) {
            if (c.prefixLength() == 0) {
                problems.add(new Problem(file, v.line(ConfigOptions.SMTP_ALLOWED_CLIENTS), ConfigOptions.SMTP_ALLOWED_CLIENTS.key(),
                        c + " admits every address: Sekisho would be an open relay; list the mail servers' addresses"));
            }
        }
        if (v.get(ConfigOptions.SMTP_MAX_CONNECTIONS_PER_CLIENT) > v.get(ConfigOptions.SMTP_MAX_CONNECTIONS)) {
            problems.add(new Problem(file, v.line(ConfigOptions.SMTP_MAX_CONNECTIONS_PER_CLIENT),
                    ConfigOptions.SMTP_MAX_CONNECTIONS_PER_CLIENT.key(), "is larger than smtp.maxConnections"));
        }
        HostPort listen = v.get(ConfigOptions.SMTP_LISTEN);
        HostPort nextHop = v.get(ConfigOptions.SMTP_NEXT_HOP);
        if (listen.equals(nextHop) && listen.port() != 0) {
            problems.add(new Problem(file, v.line(ConfigOptions.SMTP_NEXT_HOP), ConfigOptions.SMTP_NEXT_HOP.key(),
                    "is smtp.listen itself: mail would loop"));
        }
        Path cert = v.get(ConfigOptions.SMTP_TLS_CERTIFICATE);
        Path key = v.get(ConfigOptions.SMTP_TLS_KEY);
        SmtpConfig.Tls tls = null;
        if ((cert == null) != (key == null)) {
            Option<Path> missing = cert == null ? ConfigOptions.SMTP_TLS_CERTIFICATE : ConfigOptions.SMTP_TLS_KEY;
            Option<Path> given = cert == null ? ConfigOptions.SMTP_TLS_KEY : ConfigOptions.SMTP_TLS_CERTIFICATE;
            problems.add(new Problem(file, v.line(given), missing.key(), "required when " + given.key() + " is given"));
        } else if (cert != null) {
            readable(file, v, ConfigOptions.SMTP_TLS_CERTIFICATE, problems);
            readable(file, v, ConfigOptions.SMTP_TLS_KEY, problems);
            tls = new SmtpConfig.Tls(cert, key);
        }
        return new SmtpConfig(listen, nextHop, allowed, v.get(ConfigOptions.SMTP_HOSTNAME),
                v.get(ConfigOptions.SMTP_MAX_MESSAGE_BYTES), v.get(ConfigOptions.SMTP_MAX_RECIPIENTS),
                v.get(ConfigOptions.SMTP_MAX_LINE_LENGTH), v.get(ConfigOptions.SMTP_COMMAND_TIMEOUT),
                v.get(ConfigOptions.SMTP_DATA_TIMEOUT), v.get(ConfigOptions.SMTP_MAX_CONNECTIONS),
                v.get(ConfigOptions.SMTP_MAX_CONNECTIONS_PER_CLIENT), v.get(ConfigOptions.SMTP_INSPECTION_QUEUE),
                v.get(ConfigOptions.SMTP_INSPECTION_THREADS), v.get(ConfigOptions.SMTP_NEXT_HOP_TIMEOUT),
                v.get(ConfigOptions.SMTP_SHUTDOWN_TIMEOUT), v.get(ConfigOptions.SMTP_SPOOL_DIR), tls,
                v.get(ConfigOptions.SMTP_INSPECTION_TIMEOUT), v.get(ConfigOptions.SMTP_IN_MEMORY_BYTES),
                v.get(ConfigOptions.SMTP_NEXT_HOP_IDLE), v.get(ConfigOptions.SMTP_IN_MEMORY_TOTAL));
    }

    private static void readable(String file, ConfigValues v, Option<Path> option, List<Problem> problems) {
        Path p = v.get(option);
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            problems.add(new Problem(file, v.line(option), option.key(), "cannot read " + p));
        }
    }
}
