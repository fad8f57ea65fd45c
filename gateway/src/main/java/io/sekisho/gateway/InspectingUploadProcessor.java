package io.sekisho.gateway;

import io.sekisho.act.QuarantineStore;
import io.sekisho.audit.AdminEvent;
import io.sekisho.audit.AuditLog;
import io.sekisho.audit.AuditUnavailableException;
import io.sekisho.decide.Decision;
import io.sekisho.inspect.Inspection;
import io.sekisho.receive.http.TunnelReport;
import io.sekisho.receive.http.UploadOutcome;
import io.sekisho.receive.http.UploadProcessor;
import io.sekisho.receive.http.UploadRequest;
import io.sekisho.transfer.MemoryBudget;
import io.sekisho.transfer.PartContent;
import io.sekisho.transfer.SpoolFolders;
import io.sekisho.transfer.Transfer;
import io.sekisho.transfer.TransferPart;
import io.sekisho.transfer.WorkFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One upload (an HTTP request with a body, through the proxy or from a proxy in front over ICAP)
 * through the data path: inspect each part, one decision for the request, the audit record made
 * durable, and only then the outcome the proxy answers with. The same rules as SMTP (ADR 0008,
 * {@link TransferInspection}): every decision other than {@code allow} and every request with a
 * part not completely inspected is recorded before the reply; an audit log that cannot record is a
 * 503, never an allow.
 *
 * <p>The transfer: channel {@code http} or {@code icap}, id the request's transfer id (the
 * incident id on the 403 page), sender the authenticated user (else the client address), the client address,
 * one destination (the request's host, which the policy classes as internal or outside) and the
 * URL. A quarantined request is stored as a first part {@value #REQUEST_PART} (method, URL and
 * the headers that matter) followed by its body parts as inspected (Content-Encoding undone).
 *
 * <p>A CONNECT tunnel nobody decrypted is recorded when it closes as an admin event
 * {@value AdminEvent#UNINSPECTED_TUNNEL} with its byte counts (not a decision: nothing was
 * inspected and nothing decided; the audit format documents the event).
 */
public final class InspectingUploadProcessor implements UploadProcessor {
    /** The name of the quarantined part that holds the request line and headers. */
    public static final String REQUEST_PART = "request.http";

    private static final Logger log = LoggerFactory.getLogger(InspectingUploadProcessor.class);

    private final TransferInspection inspection;
    private final QuarantineStore quarantine;
    private final SpoolFolders spool;
    private final MemoryBudget memory;

    /**
     * @param inspection with http.inspectionTimeout as its deadline
     * @param spool      the work folders in http.spoolDir, for a request with a part that needs a file
     * @param memory     http.inMemoryTotal: what all bodies and their parts may hold in memory together
     */
    InspectingUploadProcessor(TransferInspection inspection, QuarantineStore quarantine, SpoolFolders spool,
                              MemoryBudget memory) {
        this.inspection = Objects.requireNonNull(inspection, "inspection");
        this.quarantine = Objects.requireNonNull(quarantine, "quarantine");
        this.spool = Objects.requireNonNull(spool, "spool");
        this.memory = Objects.requireNonNull(memory, "memory");
    }

    @Override
    public MemoryBudget memory() {
        return memory;
    }

    @Override
    public UploadOutcome clientToProxyRequest(UploadRequest request, List<TransferPart> parts) throws IOException {
        // The parts are already in memory or spooled; the folder is only for named files for workers.
        try (WorkFolder work = new WorkFolder(spool, 0)) {
            List<Inspection> inspections = inspection.inspect(request.channel(), parts, work);
            // The sender is the authenticated proxy user, else the client address (what an
            // auditor can trace back to a machine), so policies and audit queries always have one.
            Transfer transfer = new Transfer(request.transferId(), request.channel(), Instant.now(), request.who(),
                    request.clientAddress(), List.of(request.host()), request.url(), parts);
            Decision decision = inspection.decide(transfer, inspections);
            return act(request, transfer, inspections, decision);
        }
    }

    /** Records, then acts; the order is what ADR 0006 and 0008 promise. */
    private UploadOutcome act(UploadRequest request, Transfer transfer, List<Inspection> inspections, Decision decision) {
        try {
            inspection.record(transfer, inspections, decision);
        } catch (AuditUnavailableException e) {
            log.error("[{}] {}: {} not recorded, answering 503: {}", request.connectionId(), transfer.id(),
                    decision.action().id(), e.getMessage());
            return new UploadOutcome.Tempfail("The audit log is unavailable, so nothing was sent. Try again later.");
        }
        log.info("[{}] {} {} {} from {}: {} by rule {} (policy {})", request.connectionId(), transfer.id(),
                request.method(), request.url(), request.who(), decision.action().id(), decision.ruleId(),
                decision.policyRevision());
        return switch (decision.action()) {
            case BLOCK -> new UploadOutcome.Block(message(decision, "The policy does not allow this upload."),
                    transfer.id());
            case QUARANTINE -> {
                try {
                    List<TransferPart> held = new ArrayList<>();
                    held.add(requestPart(request));
                    held.addAll(transfer.parts());
                    quarantine.put(new Transfer(transfer.id(), transfer.channel(), transfer.receivedAt(),
                            transfer.sender(), transfer.clientAddress(), transfer.destinations(), transfer.url(), held));
                } catch (IOException | RuntimeException e) {
                    log.error("[{}] {}: quarantine failed, answering 503: {}", request.connectionId(), transfer.id(),
                            e.toString());
                    yield new UploadOutcome.Tempfail("The upload could not be held for review, so nothing was sent. "
                            + "Try again later.");
                }
                yield new UploadOutcome.Quarantined(message(decision, "The upload was not sent."), transfer.id());
            }
            case TEMPFAIL -> new UploadOutcome.Tempfail(message(decision, "Not accepted now; try again later."));
            case LOG, ALLOW -> UploadOutcome.allow();
        };
    }

    /**
     * Records the tunnel without waiting: this may be called on an event loop, and the tunnel is
     * already closed, so there is nothing to hold back until the record is durable.
     */
    @Override
    public void uninspectedTunnel(TunnelReport report) {
        UploadRequest r = report.request();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("channel", r.channel().id());
        if (r.clientAddress() != null) {
            details.put("clientAddress", r.clientAddress());
        }
        if (r.user() != null) {
            details.put("user", r.user());
        }
        details.put("host", r.host());
        int colon = r.url().lastIndexOf(':');
        details.put("port", colon >= 0 ? r.url().substring(colon + 1) : "");
        details.put("bytesUp", Long.toString(report.bytesUp()));
        details.put("bytesDown", Long.toString(report.bytesDown()));
        AuditLog audit = inspection.audit();
        inspection.recordAsync(new AdminEvent(Instant.now(), audit.instance(), AdminEvent.UNINSPECTED_TUNNEL,
                r.transferId(), AdminEvent.GATEWAY, report.reason(), details)).whenComplete((done, e) -> {
                    if (e != null) {
                        log.error("[{}] uninspected tunnel {} to {} not recorded: {}", r.connectionId(),
                                r.transferId(), r.url(), e.getMessage());
                    }
                });
    }

    private static String message(Decision decision, String fallback) {
        String m = decision.message();
        return m == null || m.isBlank() ? fallback : m.strip();
    }

    /** The request line and the headers that matter, as a part of its own. */
    private static TransferPart requestPart(UploadRequest request) {
        StringBuilder head = new StringBuilder(request.method()).append(' ').append(request.url()).append(" HTTP/1.1\r\n");
        for (Map.Entry<String, String> h : request.headers()) {
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        byte[] bytes = head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
        return new TransferPart(REQUEST_PART, "message/http", bytes.length, null, PartContent.of(bytes));
    }
}
