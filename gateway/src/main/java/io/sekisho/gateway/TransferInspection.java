package io.sekisho.gateway;

import io.sekisho.audit.Appended;
import io.sekisho.audit.AuditEntry;
import io.sekisho.audit.AuditLog;
import io.sekisho.audit.AuditRecord;
import io.sekisho.audit.AuditUnavailableException;
import io.sekisho.audit.Evidence;
import io.sekisho.decide.Action;
import io.sekisho.decide.Decision;
import io.sekisho.decide.Policy;
import io.sekisho.extract.ExtractionResult;
import io.sekisho.extract.ExtractionUnavailableException;
import io.sekisho.extract.ExtractionStatus;
import io.sekisho.extract.Extractor;
import io.sekisho.inspect.Inspection;
import io.sekisho.inspect.Inspector;
import io.sekisho.match.Matcher;
import io.sekisho.receive.http.UploadParts;
import io.sekisho.transfer.Channel;
import io.sekisho.transfer.PartContent;
import io.sekisho.transfer.SpoolFolders;
import io.sekisho.transfer.Transfer;
import io.sekisho.transfer.TransferPart;
import io.sekisho.transfer.WorkFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What every channel does between receiving a transfer and acting on it: inspect each part within
 * a deadline, ask the policy for one decision, and make the audit record durable before anything
 * is done about it (ADR 0008). {@link InspectingMessageProcessor} (SMTP) and
 * {@link InspectingUploadProcessor} (HTTP, ICAP) differ only in how they receive and how they act.
 *
 * <p>Fail closed (ADR 0004): a part the receiving stage marks uninspectable reaches the policy
 * with its status without being parsed (encrypted; an undecodable Content-Encoding is
 * {@code failed}); a body cut at http.maxBodyBytes is inspected from its start and reaches the
 * policy as {@code truncated}, with whatever its start matched; a part whose inspection throws is
 * {@code failed}; parts not done by the deadline are {@code timed-out}.
 */
final class TransferInspection {
    private static final Logger log = LoggerFactory.getLogger(TransferInspection.class);

    /** Characters a sender's part name may not bring into a file name. */
    private static final Pattern UNSAFE_NAME_CHARS = Pattern.compile("[\\p{Cntrl}/\\\\!:]");

    private final Extractor extractor;
    private final CatalogueSnapshots catalogue;
    private final Supplier<Policy> policy;
    private final AuditLog audit;
    private final Evidence evidence;
    private final Duration deadline;
    private final String deadlineKey;
    private final DeadlineWatchdog watchdog;
    private final GatewayMetrics metrics;

    TransferInspection(Extractor extractor, CatalogueSnapshots catalogue, Supplier<Policy> policy, AuditLog audit,
                       Evidence evidence, Duration deadline, String deadlineKey) {
        this(extractor, catalogue, policy, audit, evidence, deadline, deadlineKey, GatewayMetrics.NONE);
    }

    /**
     * @param deadlineKey the configuration key of {@code deadline}, named in the audit record of
     *                    parts it cut short
     * @param metrics     told of every inspection, decision and audit record
     */
    TransferInspection(Extractor extractor, CatalogueSnapshots catalogue, Supplier<Policy> policy, AuditLog audit,
                       Evidence evidence, Duration deadline, String deadlineKey, GatewayMetrics metrics) {
        this(extractor, catalogue, policy, audit, evidence, deadline, deadlineKey, metrics, DeadlineWatchdog.shared());
    }

    /** @param watchdog enforces the deadline (tests give one with a finer tick) */
    TransferInspection(Extractor extractor, CatalogueSnapshots catalogue, Supplier<Policy> policy, AuditLog audit,
                       Evidence evidence, Duration deadline, String deadlineKey, GatewayMetrics metrics,
                       DeadlineWatchdog watchdog) {
        this.extractor = Objects.requireNonNull(extractor, "extractor");
        this.catalogue = Objects.requireNonNull(catalogue, "catalogue");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.evidence = Objects.requireNonNull(evidence, "evidence");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.deadlineKey = Objects.requireNonNull(deadlineKey, "deadlineKey");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.watchdog = Objects.requireNonNull(watchdog, "watchdog");
    }

    AuditLog audit() {
        return audit;
    }

    /** One decision for the whole transfer. */
    Decision decide(Transfer transfer, List<Inspection> inspections) {
        Decision decision = policy.get().decide(transfer, inspections);
        metrics.decided(transfer.channel(), decision.action());
        return decision;
    }

    /**
     * Makes the record durable when the rule says one is kept: every decision other than
     * {@code allow}, every transfer with a part not completely inspected, every simulated match.
     * A plain allow of fully inspected content leaves no record.
     */
    void record(Transfer transfer, List<Inspection> inspections, Decision decision) throws AuditUnavailableException {
        boolean uninspectable = inspections.stream().anyMatch(i -> !i.inspected());
        if (decision.action() != Action.ALLOW || uninspectable || !decision.simulated().isEmpty()) {
            AuditRecord record = AuditRecord.of(transfer, inspections, decision, audit.instance(), evidence);
            long start = System.nanoTime();
            boolean durable = false;
            try {
                audit.append(record);
                durable = true;
            } finally {
                metrics.auditWritten(Duration.ofNanos(System.nanoTime() - start), durable);
            }
        }
    }

    /** Records an event without waiting (event-loop callers), timed like {@link #record}. */
    CompletableFuture<Appended> recordAsync(AuditEntry entry) {
        long start = System.nanoTime();
        return audit.appendAsync(entry).whenComplete((done, e) ->
                metrics.auditWritten(Duration.ofNanos(System.nanoTime() - start), e == null));
    }

    /**
     * Inspects every part within the deadline; what is not done by then is timed out.
     *
     * <p>The inspection runs on the calling thread, which must be one that may block (a receiver's
     * inspection pool, never an event loop): handing it to another thread only to stop waiting at
     * the deadline cost two wake-ups and two parks per transfer. The deadline is enforced by
     * interrupting the caller ({@link DeadlineWatchdog}, up to one tick late). A wait for a worker
     * process or for its answer ends at the interrupt (a worker that was extracting is killed); work in this process between interrupt
     * checks (plain text decoding, normalising and fingerprinting, the catalogue look-up) is bounded
     * by the size limits and runs on until its part is done. So a transfer now returns at the
     * deadline or at the next interrupt check after it: at the latest when the part in progress is.
     *
     * <p>Results: a part done before the deadline keeps its result; the part in progress at the
     * deadline and every later one are {@code timed-out}. An interrupt from elsewhere (the gateway
     * stopping) makes them {@code failed} and leaves the thread's interrupt flag set; the
     * deadline's own interrupt never outlives the call. {@link ExtractionUnavailableException}
     * propagates (the channel defers the transfer).
     *
     * <p>Nothing shared is broken by the interrupt: the files a part reads are opened for it alone,
     * and the catalogue is read through memory-mapped files ({@code FSDirectory.open} gives an
     * {@code MMapDirectory} on 64-bit JVMs), whose reads an interrupt cannot close, unlike an
     * {@code NIOFSDirectory}'s shared channel. An interrupt during a catalogue refresh fails only
     * that refresh (the last snapshot stays in use).
     *
     * @param channel how the transfer arrived (for the metrics)
     * @param work    the caller's work folder (closed by it), where a part that goes to a worker
     *                gets its sender's name
     */
    List<Inspection> inspect(Channel channel, List<TransferPart> parts, WorkFolder work) {
        long start = System.nanoTime();
        List<Inspection> result = inspect(parts, work);
        metrics.inspected(channel, Duration.ofNanos(System.nanoTime() - start));
        for (Inspection i : result) {
            if (!i.inspected()) {
                metrics.incomplete(i.extraction().status());
            }
        }
        return result;
    }

    private List<Inspection> inspect(List<TransferPart> parts, WorkFolder work) {
        List<Inspection> result = new ArrayList<>(parts.size());
        Throwable failure = null;
        DeadlineWatchdog.Guard guard = watchdog.start(deadline);
        try {
            try (CatalogueSnapshots.Lease lease = catalogue.acquire()) {
                Matcher matcher = new Matcher(lease.snapshot());
                Inspector inspector = new Inspector(extractor, () -> matcher);
                while (result.size() < parts.size() && !cutShort(guard)) {
                    int index = result.size();
                    Inspection inspection = inspectPart(inspector, parts.get(index), work, index);
                    // A part in progress when the deadline or an interrupt came is reported as timed
                    // out (or interrupted), not as the failure the interrupt may have caused in it.
                    if (cutShort(guard)) {
                        break;
                    }
                    result.add(inspection);
                }
            } catch (ExtractionUnavailableException e) {
                if (!cutShort(guard)) {
                    // Our fault, not the content's: the channel defers the transfer (451 / 503) so
                    // the sender retries, instead of refusing it for good as uninspectable content.
                    // (A worker start cut short by the deadline is the deadline's, not this.)
                    log.error("extraction unavailable: {}", e.getMessage());
                    throw e;
                }
            } catch (RuntimeException | Error e) {
                // The catalogue closed under a stopping gateway, a bug: the parts left are failed.
                if (!cutShort(guard)) {
                    failure = e;
                }
            }
        } finally {
            // Clears the deadline's interrupt if it fired, even if only after the last part.
            guard.close();
        }
        String missing;
        ExtractionStatus missingStatus;
        // Read after close, when the guard's state is final.
        if (guard.fired()) {
            missing = "not inspected within " + deadlineKey + " (" + deadline.toSeconds() + " s)";
            missingStatus = ExtractionStatus.TIMED_OUT;
        } else if (Thread.currentThread().isInterrupted()) {
            // Not the deadline's interrupt (the guard clears that one): the gateway is stopping.
            // The flag stays set for the caller's thread to see.
            missing = "interrupted (gateway stopping)";
            missingStatus = ExtractionStatus.FAILED;
        } else {
            missing = failure == null ? null : "inspection failed: " + failure;
            missingStatus = ExtractionStatus.FAILED;
            if (failure != null) {
                log.error("inspection failed", failure);
            }
        }
        for (int i = result.size(); i < parts.size(); i++) {
            result.add(uninspected(parts.get(i), missingStatus, missing));
        }
        return result;
    }

    /** The deadline has passed, or something else interrupted the inspecting thread. */
    private static boolean cutShort(DeadlineWatchdog.Guard guard) {
        return guard.fired() || Thread.currentThread().isInterrupted();
    }

    private Inspection inspectPart(Inspector inspector, TransferPart part, WorkFolder work, int index) {
        try {
            if (UploadParts.TRUNCATED.equals(part.uninspectable())) {
                // The start is all there is: what it matches counts, and the rest is not seen.
                Inspection start = inspectContent(inspector, part, work, index);
                ExtractionResult r = start.extraction();
                return new Inspection(start.name(), new ExtractionResult(r.status().worst(ExtractionStatus.TRUNCATED),
                        "longer than http.maxBodyBytes: only the first " + part.size() + " bytes were inspected",
                        r.parts()), start.matches());
            }
            if (!part.inspectable()) {
                return uninspected(part, status(part.uninspectable()), describe(part.uninspectable()));
            }
            return inspectContent(inspector, part, work, index);
        } catch (ExtractionUnavailableException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            log.warn("inspection of part {} failed: {}", part.name(), e.toString());
            return uninspected(part, ExtractionStatus.FAILED, "inspection failed: " + e.getMessage());
        }
    }

    /**
     * Content in memory goes to the extractor as bytes, and becomes a file only if a worker must
     * read it (docs/adr/0013); spooled content is read through its name in the work folder.
     */
    private static Inspection inspectContent(Inspector inspector, TransferPart part, WorkFolder work, int index)
            throws IOException {
        PartContent content = part.content();
        String fileName = fileName(part);
        if (content.inMemory()) {
            String name = fileName != null ? fileName : "part-" + index;
            return inspector.inspect(part.name(), name, content.bytes(), part.declaredType(), part.gatewayText(),
                    () -> {
                        try {
                            return named(content, work, index, name);
                        } catch (IOException | InvalidPathException e) {
                            // A name this file system refuses (too long, say) must not defer the
                            // transfer for ever: the part's index names it instead. If that fails
                            // too, the spool is at fault and the transfer is deferred.
                            return named(content, work, index, "part-" + index);
                        }
                    });
        }
        Path file;
        try {
            file = fileName == null ? content.file() : named(content, work, index, fileName);
        } catch (IOException | UnsupportedOperationException | SecurityException | InvalidPathException e) {
            // Read from the spool file's own name: the paths in the record are less telling, nothing worse.
            file = content.file();
        }
        return inspector.inspect(part.name(), file, part.declaredType(), part.gatewayText());
    }

    /** The last segment of the part's name, made safe as a file name; null when nothing usable is left. */
    private static String fileName(TransferPart part) {
        String name = part.name();
        int nested = name.lastIndexOf("!/");
        name = UNSAFE_NAME_CHARS.matcher(nested >= 0 ? name.substring(nested + 2) : name).replaceAll("_");
        return name.isBlank() || name.equals(".") || name.equals("..") ? null : name;
    }

    /**
     * The part's content under the name the sender gave it (a hard link for a spool file, written
     * out for content in memory), so that the extracted paths and the audit record say
     * {@code plan.docx!/...} rather than a spool file's name, and the extractor sees the file name
     * extension.
     *
     * <p>The first part with a name goes into the work folder's {@link WorkFolder#named()} folder;
     * a later part with the same name gets a directory of its own ({@code named-INDEX/NAME}).
     * Directories are what the spool's file system makes most slowly (see {@link SpoolFolders}), so
     * the common case makes none.
     */
    private static Path named(PartContent content, WorkFolder work, int index, String name) throws IOException {
        try {
            return content.asFile(work.named(), name);
        } catch (FileAlreadyExistsException e) {
            Path own = Files.createDirectory(work.folder().resolve("named-" + index));
            return content.asFile(own, name);
        }
    }

    private static ExtractionStatus status(String reason) {
        return switch (reason) {
            case TransferPart.SMIME_ENCRYPTED, TransferPart.SMIME_OPAQUE_SIGNED, TransferPart.PGP_ENCRYPTED ->
                    ExtractionStatus.ENCRYPTED;
            case UploadParts.TRUNCATED -> ExtractionStatus.TRUNCATED;
            default -> ExtractionStatus.FAILED;
        };
    }

    private static String describe(String reason) {
        return switch (reason) {
            case TransferPart.SMIME_ENCRYPTED -> "S/MIME encrypted";
            case TransferPart.SMIME_OPAQUE_SIGNED -> "S/MIME opaque-signed: the content is inside the signature";
            case TransferPart.PGP_ENCRYPTED -> "PGP encrypted";
            case UploadParts.UNDECODABLE -> "the Content-Encoding could not be undone";
            default -> reason;
        };
    }

    static Inspection uninspected(TransferPart part, ExtractionStatus status, String detail) {
        return new Inspection(part.name(), ExtractionResult.failure(status, detail), List.of());
    }
}
