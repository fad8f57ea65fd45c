package io.sekisho.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sekisho.decide.Action;
import io.sekisho.extract.ExtractionStatus;
import io.sekisho.gateway.Gateway;
import io.sekisho.gateway.GatewayMetrics;
import io.sekisho.transfer.Channel;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's measurements as Micrometer meters, rendered in the Prometheus text format for
 * {@code /metrics}. Micrometer's names are dotted; Prometheus shows {@code sekisho.transfers} as
 * {@code sekisho_transfers_total}, timers in seconds with {@code _bucket} series.
 *
 * <ul>
 *   <li>{@value #TRANSFERS}: transfers decided, by {@code channel} and {@code action};</li>
 *   <li>{@value #INSPECTION}: inspection of one transfer, histogram by {@code channel};</li>
 *   <li>{@value #QUEUE}: transfers waiting for an inspection thread, by {@code channel};</li>
 *   <li>{@value #EXTRACTION_FAILURES}: parts not completely inspected, by {@code reason};</li>
 *   <li>{@value #AUDIT_WRITE}: time for an audit record to become durable, by {@code outcome};</li>
 *   <li>{@value #CATALOGUE_DOCUMENTS}: documents in the catalogue;</li>
 *   <li>{@value #MAIL_MEMORY}: bytes mail being received and inspected holds in memory, out of
 *       {@code smtp.inMemoryTotal} (with smtp only);</li>
 *   <li>{@value #UPLOAD_MEMORY}: the same for request bodies, out of {@code http.inMemoryTotal}
 *       (with http.listen or icap);</li>
 *   <li>{@value #KEPT_UPSTREAMS}: connections to destinations kept open for a next request
 *       ({@code http.upstreamKeepAlive}; with http.listen);</li>
 *   <li>and the JVM's and the process's: memory, GC, threads, classes, CPU, uptime, open files.</li>
 * </ul>
 */
public final class GatewayMeters implements GatewayMetrics, AutoCloseable {
    static final String TRANSFERS = "sekisho.transfers";
    static final String INSPECTION = "sekisho.inspection.duration";
    static final String QUEUE = "sekisho.inspection.queue";
    static final String EXTRACTION_FAILURES = "sekisho.extraction.failures";
    static final String AUDIT_WRITE = "sekisho.audit.write.duration";
    static final String CATALOGUE_DOCUMENTS = "sekisho.catalogue.documents";
    static final String MAIL_MEMORY = "sekisho.smtp.memory";
    static final String UPLOAD_MEMORY = "sekisho.http.memory";
    static final String KEPT_UPSTREAMS = "sekisho.http.upstream.kept";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public GatewayMeters() {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        for (ExtractionStatus s : ExtractionStatus.values()) {
            if (!s.isComplete()) {
                extractionFailures(s);
            }
        }
        auditTimer(true);
        auditTimer(false);
    }

    /**
     * Adds the gauges read from the running gateway, and the per-channel meters of its channels
     * at zero, so that a rate over them is defined from the first scrape.
     */
    public void bind(Gateway gateway) {
        for (Channel c : Channel.values()) {
            if (gateway.queued(c) < 0) {
                continue;
            }
            Gauge.builder(QUEUE, gateway, g -> g.queued(c)).strongReference(true).tag("channel", c.id())
                    .description("Transfers waiting for an inspection thread").register(registry);
            for (Action a : Action.values()) {
                transfers(c, a);
            }
            inspectionTimer(c);
        }
        if (gateway.mailMemoryInUse() >= 0) {
            Gauge.builder(MAIL_MEMORY, gateway, Gateway::mailMemoryInUse).strongReference(true).baseUnit("bytes")
                    .description("Bytes mail being received and inspected holds in memory (of smtp.inMemoryTotal)")
                    .register(registry);
        }
        if (gateway.uploadMemoryInUse() >= 0) {
            Gauge.builder(UPLOAD_MEMORY, gateway, Gateway::uploadMemoryInUse).strongReference(true).baseUnit("bytes")
                    .description("Bytes request bodies being received and inspected hold in memory (of http.inMemoryTotal)")
                    .register(registry);
        }
        if (gateway.keptUpstreamConnections() >= 0) {
            Gauge.builder(KEPT_UPSTREAMS, gateway, Gateway::keptUpstreamConnections).strongReference(true)
                    .description("Connections to destinations kept open for a next request (http.upstreamKeepAlive)")
                    .register(registry);
        }
        Gauge.builder(CATALOGUE_DOCUMENTS, gateway, GatewayMeters::documents).strongReference(true)
                .description("Documents in the catalogue transfers are inspected against").register(registry);
    }

    /** Every meter in the Prometheus text format (version 0.0.4). */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void decided(Channel channel, Action action) {
        transfers(channel, action).increment();
    }

    @Override
    public void inspected(Channel channel, Duration took) {
        inspectionTimer(channel).record(took.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void incomplete(ExtractionStatus status) {
        extractionFailures(status).increment();
    }

    @Override
    public void auditWritten(Duration took, boolean durable) {
        auditTimer(durable).record(took.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    // Registering an existing meter returns it, so these both create and find.

    private Counter transfers(Channel channel, Action action) {
        return Counter.builder(TRANSFERS).tag("channel", channel.id()).tag("action", action.id())
                .description("Transfers decided, by channel and the policy's action").register(registry);
    }

    private Timer inspectionTimer(Channel channel) {
        // Inspections take from milliseconds (a short mail) to the inspection deadline (minutes).
        return Timer.builder(INSPECTION).tag("channel", channel.id()).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5))
                .description("Inspection of one transfer: extraction, fingerprints and matching of all its parts")
                .register(registry);
    }

    private Counter extractionFailures(ExtractionStatus status) {
        return Counter.builder(EXTRACTION_FAILURES).tag("reason", status.reason())
                .description("Parts that reached the policy not completely inspected, by reason").register(registry);
    }

    private Timer auditTimer(boolean durable) {
        // A group commit is one fsync: from a fraction of a millisecond to seconds on a slow disk.
        return Timer.builder(AUDIT_WRITE).tag("outcome", durable ? "durable" : "failed").publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .description("Time for an audit record to become durable (or to fail)").register(registry);
    }

    private static double documents(Gateway gateway) {
        try {
            return gateway.catalogueDocumentsNow();
        } catch (IllegalStateException e) {
            return Double.NaN;
        }
    }
}
