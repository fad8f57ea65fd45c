package io.sekisho.gateway;

import io.sekisho.act.QuarantineKey;
import io.sekisho.act.QuarantineStore;
import io.sekisho.audit.AuditKeys;
import io.sekisho.audit.AuditLog;
import io.sekisho.audit.AuditLogOptions;
import io.sekisho.audit.AuditUnavailableException;
import io.sekisho.audit.Evidence;
import io.sekisho.audit.SyslogForwarder;
import io.sekisho.catalogue.Catalogue;
import io.sekisho.catalogue.CatalogueException;
import io.sekisho.catalogue.OpenMode;
import io.sekisho.config.SekishoConfig;
import io.sekisho.decide.Policy;
import io.sekisho.decide.PolicyException;
import io.sekisho.decide.PolicyHolder;
import io.sekisho.decide.PolicyLoader;
import io.sekisho.extract.ExtractionLimits;
import io.sekisho.extract.IsolatedExtractor;
import io.sekisho.extract.WorkerLife;
import io.sekisho.receive.http.HostResolver;
import io.sekisho.receive.http.HttpProxyServer;
import io.sekisho.receive.icap.IcapServer;
import io.sekisho.receive.smtp.SmtpServer;
import io.sekisho.transfer.Channel;
import io.sekisho.transfer.MemoryBudget;
import io.sekisho.transfer.SpoolClaim;
import io.sekisho.transfer.SpoolFolders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import javax.crypto.SecretKey;
import javax.net.ssl.SSLSocketFactory;

/**
 * The running gateway: every stage opened from one {@link SekishoConfig} and the listeners it
 * configures started: SMTP ({@code smtp}) with an {@link InspectingMessageProcessor}, the HTTP(S)
 * proxy ({@code http.listen}) and the ICAP service ({@code icap}) with an
 * {@link InspectingUploadProcessor}; at least one of them. All share the same catalogue snapshots,
 * policy, extraction workers, audit log and quarantine. {@link #start} either returns a gateway that
 * inspects, decides and records, or fails with a message naming the configuration key to fix.
 *
 * <p>What it holds: the catalogue (a snapshot per message, refreshed at most every
 * {@link #CATALOGUE_REFRESH}), the policy ({@code policy}, reloaded when the file changes and kept
 * at the last good revision when a change does not load; the built-in default policy without
 * one), {@code internalDomains} added to it, extraction worker processes, the audit log (its lock
 * held while running) and the quarantine. {@link #close} stops the listeners first, lets messages in
 * hand finish, then closes the stages.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    /** How often the inspection path looks for catalogue changes (a cheap check of the latest commit). */
    public static final Duration CATALOGUE_REFRESH = Duration.ofSeconds(1);

    /**
     * Emptied work folders kept per spool for later transfers (see SpoolFolders): more than the
     * transfers inspected at once, so that a busy gateway makes no directories at all.
     */
    static final int KEPT_WORK_FOLDERS = 64;
    /** How the names of the work folders of mail and of uploads begin, in their spool folders. */
    static final String MAIL_WORK = "parts-";
    static final String UPLOAD_WORK = "inspect-";

    /** The shipped default policy ({@code policies/default.yaml}, copied in at build time). */
    static final String DEFAULT_POLICY = "/io/sekisho/gateway/default.yaml";

    private final SekishoConfig config;
    private final Deque<AutoCloseable> opened;
    private final SmtpServer smtp;
    private final HttpProxyServer http;
    private final IcapServer icap;
    private final String policyDescription;
    private final int documents;
    private final CatalogueSnapshots snapshots;
    private final Supplier<Policy> policy;
    private final AuditLog audit;
    private final MemoryBudget mailMemory;
    private final MemoryBudget uploadMemory;

    private Gateway(SekishoConfig config, Deque<AutoCloseable> opened, SmtpServer smtp, HttpProxyServer http,
                    IcapServer icap, String policyDescription, int documents, CatalogueSnapshots snapshots,
                    Supplier<Policy> policy, AuditLog audit, MemoryBudget mailMemory, MemoryBudget uploadMemory) {
        this.config = config;
        this.opened = opened;
        this.smtp = smtp;
        this.http = http;
        this.icap = icap;
        this.policyDescription = policyDescription;
        this.documents = documents;
        this.snapshots = snapshots;
        this.policy = policy;
        this.audit = audit;
        this.mailMemory = mailMemory;
        this.uploadMemory = uploadMemory;
    }

    /** Opens every stage and starts listening; the caller closes the gateway. */
    public static Gateway start(SekishoConfig config) throws GatewayException {
        return start(config, GatewayMetrics.NONE);
    }

    /** The same, telling {@code metrics} of every transfer (the admin listener's /metrics). */
    public static Gateway start(SekishoConfig config, GatewayMetrics metrics) throws GatewayException {
        return start(config, HostResolver.SYSTEM, metrics);
    }

    /** The same, the proxy finding destinations with {@code resolver} (tests). */
    static Gateway start(SekishoConfig config, HostResolver resolver) throws GatewayException {
        return start(config, resolver, GatewayMetrics.NONE);
    }

    static Gateway start(SekishoConfig config, HostResolver resolver, GatewayMetrics metrics) throws GatewayException {
        if (config.smtp() == null && config.http().listen() == null && config.icap() == null) {
            throw new GatewayException("smtp, http, icap: none is configured: the gateway needs at least one channel "
                    + "(smtp.listen and smtp.nextHop, http.listen, or icap.listen)");
        }
        Path auditDir = required(config.audit().dir(), "audit.dir",
                "every decision is recorded before the client is answered");
        Path quarantineDir = required(config.quarantine().dir(), "quarantine.dir", "where held messages are kept");
        Path quarantineKeyFile = required(config.quarantine().key(), "quarantine.key",
                "create one with 'sekisho quarantine keygen --key FILE'");
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            SecretKey quarantineKey = quarantineKey(quarantineKeyFile);
            AuditLogOptions auditOptions = auditOptions(config);

            Catalogue catalogue;
            try {
                catalogue = Catalogue.open(config.catalogue(), OpenMode.MUST_EXIST);
            } catch (CatalogueException e) {
                throw new GatewayException("catalogue: " + e.getMessage(), e);
            }
            opened.push(catalogue);
            CatalogueSnapshots snapshots = new CatalogueSnapshots(catalogue, CATALOGUE_REFRESH);
            opened.push(snapshots);
            List<String> levels = catalogue.settings().levels();

            Supplier<Policy> policy = policy(config, new PolicyLoader(levels));
            Policy first = policy.get();

            AuditLog audit;
            try {
                audit = AuditLog.open(auditDir, auditOptions);
            } catch (AuditUnavailableException e) {
                throw new GatewayException("audit.dir: " + e.getMessage(), e);
            }
            opened.push(audit);
            QuarantineStore quarantine = new QuarantineStore(quarantineDir, quarantineKey, audit);

            // The gateway's workers live as long as it does: both compilers (docs/adr/0016).
            IsolatedExtractor extractor = new IsolatedExtractor(ExtractionLimits.defaults(), WorkerLife.LONG);
            opened.push(extractor);

            Evidence evidence = Evidence.valueOf(config.audit().evidence().toUpperCase(Locale.ROOT));
            SmtpServer smtp = null;
            HttpProxyServer http = null;
            IcapServer icap = null;
            MemoryBudget mailMemory = new MemoryBudget(config.smtp() == null ? 0 : config.smtp().inMemoryTotal());
            MemoryBudget uploadMemory = new MemoryBudget(config.http().inMemoryTotal());
            try {
                claimSpools(config, opened);
                if (config.smtp() != null) {
                    // Opened before the listener, so closed after it (the stack closes in reverse).
                    SpoolFolders smtpFolders = new SpoolFolders(config.smtp().spoolDir(), MAIL_WORK, KEPT_WORK_FOLDERS);
                    opened.push(smtpFolders);
                    smtp = SmtpServer.start(config.smtp(), new InspectingMessageProcessor(new TransferInspection(
                            extractor, snapshots, policy, audit, evidence, config.smtp().inspectionTimeout(),
                            "smtp.inspectionTimeout", metrics), quarantine, smtpFolders,
                            config.smtp().inMemoryBytes(), mailMemory));
                    opened.push(smtp);
                }
                SpoolFolders httpFolders = new SpoolFolders(config.http().spoolDir(), UPLOAD_WORK, KEPT_WORK_FOLDERS);
                opened.push(httpFolders);
                InspectingUploadProcessor uploads = new InspectingUploadProcessor(new TransferInspection(extractor,
                        snapshots, policy, audit, evidence, config.http().inspectionTimeout(), "http.inspectionTimeout",
                        metrics), quarantine, httpFolders, uploadMemory);
                if (config.http().listen() != null) {
                    http = HttpProxyServer.start(config.http(), uploads, resolver);
                    opened.push(http);
                }
                if (config.icap() != null) {
                    icap = IcapServer.start(config.icap(), config.http(), uploads);
                    opened.push(icap);
                }
            } catch (IllegalArgumentException | IOException e) {
                throw new GatewayException(e.getMessage(), e);
            }
            int documents;
            try (CatalogueSnapshots.Lease lease = snapshots.acquire()) {
                documents = lease.snapshot().documentCount();
            }
            String description = first.name() + " revision " + first.revision()
                    + (config.policy() == null ? " (built in)" : " (" + config.policy() + ")");
            log.info("gateway {} started: catalogue {} ({} documents), policy {}, audit {}, quarantine {}",
                    config.instance(), config.catalogue(), documents, description, auditDir, quarantineDir);
            return new Gateway(config, opened, smtp, http, icap, description, documents, snapshots, policy, audit,
                    mailMemory, uploadMemory);
        } catch (GatewayException | RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    /**
     * Locks the spool folders of the configured channels for this gateway and clears what an
     * earlier run left in them (SpoolClaim); one claim when smtp and http share a folder.
     */
    private static void claimSpools(SekishoConfig config, Deque<AutoCloseable> opened) {
        Map<Path, List<String>> prefixes = new LinkedHashMap<>();
        Map<Path, String> keys = new HashMap<>();
        if (config.smtp() != null) {
            Path dir = config.smtp().spoolDir().toAbsolutePath().normalize();
            List<String> names = prefixes.computeIfAbsent(dir, d -> new ArrayList<>());
            names.addAll(SmtpServer.SPOOLED);
            names.add(MAIL_WORK);
            keys.putIfAbsent(dir, "smtp.spoolDir");
        }
        if (config.http().listen() != null || config.icap() != null) {
            Path dir = config.http().spoolDir().toAbsolutePath().normalize();
            List<String> names = prefixes.computeIfAbsent(dir, d -> new ArrayList<>());
            names.addAll(HttpProxyServer.SPOOLED);
            names.add(UPLOAD_WORK);
            keys.putIfAbsent(dir, "http.spoolDir");
        }
        prefixes.forEach((dir, names) -> opened.push(SpoolClaim.claim(dir, keys.get(dir), names)));
    }

    /** The address the SMTP listener is bound to (its port is known here when smtp.listen asks for 0), or null without smtp. */
    public InetSocketAddress smtpAddress() {
        return smtp == null ? null : smtp.address();
    }

    /** The address the HTTP(S) proxy is bound to, or null without http.listen. */
    public InetSocketAddress httpAddress() {
        return http == null ? null : http.address();
    }

    /** The address the ICAP service is bound to, or null without icap. */
    public InetSocketAddress icapAddress() {
        return icap == null ? null : icap.address();
    }

    public SekishoConfig config() {
        return config;
    }

    /** The policy in force at start: name, revision and where it came from. */
    public String policyDescription() {
        return policyDescription;
    }

    /** Catalogue documents at start. */
    public int catalogueDocuments() {
        return documents;
    }

    /**
     * Catalogue documents now, in the snapshot the next transfer is inspected with (a refresh is
     * at most {@link #CATALOGUE_REFRESH} old). Throws {@link IllegalStateException} once the
     * catalogue is closed.
     */
    public int catalogueDocumentsNow() {
        try (CatalogueSnapshots.Lease lease = snapshots.acquire()) {
            return lease.snapshot().documentCount();
        }
    }

    /** The policy the next transfer is decided with: its name and revision. */
    public String policyNow() {
        Policy p = policy.get();
        if (p == null) {
            throw new IllegalStateException("no policy is loaded");
        }
        return p.name() + " revision " + p.revision();
    }

    /** True while the audit log is open (it closes with the gateway). */
    public boolean auditOpen() {
        return audit.isOpen();
    }

    /** When the last write to the audit log failed, or null when its last write succeeded. */
    public Instant auditLastFailure() {
        return audit.lastFailure();
    }

    /**
     * Transfers received over {@code channel} that wait for an inspection thread now, or -1 when
     * the channel is not configured. HTTP and ICAP each have their own queue.
     */
    public int queued(Channel channel) {
        return switch (channel) {
            case SMTP -> smtp == null ? -1 : smtp.queuedMessages();
            case HTTP -> http == null ? -1 : http.queuedRequests();
            case ICAP -> icap == null ? -1 : icap.queuedRequests();
        };
    }

    /**
     * Bytes that mail being received and inspected holds in memory now, counted against
     * {@code smtp.inMemoryTotal}; -1 without smtp.
     */
    public long mailMemoryInUse() {
        return smtp == null ? -1 : mailMemory.used();
    }

    /**
     * Bytes that request bodies being received and inspected (proxy and ICAP) hold in memory now,
     * counted against {@code http.inMemoryTotal}; -1 without http.listen and icap.
     */
    public long uploadMemoryInUse() {
        return http == null && icap == null ? -1 : uploadMemory.used();
    }

    /** Connections to destinations the proxy keeps open for a next request now; -1 without http.listen. */
    public int keptUpstreamConnections() {
        return http == null ? -1 : http.keptConnections();
    }

    /**
     * Stops listening, lets messages in hand finish (smtp.shutdownTimeout), then closes every stage.
     * The listeners were opened last, so they close first.
     */
    @Override
    public void close() {
        closeAll(opened);
    }

    /** The shipped default policy's bytes. */
    public static byte[] defaultPolicy() {
        try (InputStream in = Gateway.class.getResourceAsStream(DEFAULT_POLICY)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULT_POLICY + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULT_POLICY, e);
        }
    }

    private static Supplier<Policy> policy(SekishoConfig config, PolicyLoader loader) throws GatewayException {
        List<String> internal = config.internalDomains();
        try {
            if (config.policy() == null) {
                Policy builtIn = loader.parse("default policy (built in)", defaultPolicy()).withInternalDomains(internal);
                return () -> builtIn;
            }
            PolicyHolder holder = new PolicyHolder(config.policy(), loader);
            return new Supplier<>() {
                private Policy base;
                private Policy withDomains;

                @Override
                public synchronized Policy get() {
                    Policy current = holder.current();
                    if (current != base) {
                        base = current;
                        withDomains = current.withInternalDomains(internal);
                    }
                    return withDomains;
                }
            };
        } catch (PolicyException e) {
            throw new GatewayException("policy: " + e.getMessage(), e);
        }
    }

    private static AuditLogOptions auditOptions(SekishoConfig config) throws GatewayException {
        SekishoConfig.AuditConfig a = config.audit();
        AuditLogOptions options = AuditLogOptions.defaults().withInstance(config.instance())
                .withCheckpoints(a.checkpointEvery(), a.checkpointInterval())
                .withRotation(a.maxSegmentBytes(), a.maxSegmentAge())
                .withRetention(a.retention());
        if (a.signingKey() != null) {
            try {
                options = options.withSigningKey(AuditKeys.readPrivateKey(a.signingKey()));
            } catch (IOException | RuntimeException e) {
                throw new GatewayException("audit.signingKey: cannot read " + a.signingKey() + ": " + e.getMessage()
                        + " (make one with 'sekisho audit keygen')", e);
            }
        }
        if (a.syslog() != null) {
            SekishoConfig.Syslog s = a.syslog();
            options = options.withForwarder(new SyslogForwarder(s.host(), s.port(),
                    s.tls() ? (SSLSocketFactory) SSLSocketFactory.getDefault() : null, 10_000, config.instance()));
        }
        return options;
    }

    private static SecretKey quarantineKey(Path file) throws GatewayException {
        if (!Files.exists(file)) {
            throw new GatewayException("quarantine.key: " + file + " does not exist: create it with "
                    + "'sekisho quarantine keygen --key " + file + "' (and keep a copy: nothing held opens without it)");
        }
        try {
            return QuarantineKey.read(file);
        } catch (IOException e) {
            throw new GatewayException("quarantine.key: cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Path required(Path value, String key, String why) throws GatewayException {
        if (value == null) {
            throw new GatewayException(key + ": required by the gateway: " + why);
        }
        return value;
    }

    private static void closeAll(Deque<AutoCloseable> opened) {
        while (!opened.isEmpty()) {
            AutoCloseable c = opened.pop();
            try {
                c.close();
            } catch (Exception e) {
                log.warn("closing {}: {}", c, e.toString());
            }
        }
    }
}
