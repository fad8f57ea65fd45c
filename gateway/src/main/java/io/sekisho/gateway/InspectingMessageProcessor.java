package io.sekisho.gateway;

import io.sekisho.act.QuarantineStore;
import io.sekisho.audit.AuditLog;
import io.sekisho.audit.AuditRecord;
import io.sekisho.audit.AuditUnavailableException;
import io.sekisho.audit.Evidence;
import io.sekisho.decide.Action;
import io.sekisho.decide.Decision;
import io.sekisho.decide.Policy;
import io.sekisho.extract.ExtractionResult;
import io.sekisho.extract.ExtractionStatus;
import io.sekisho.extract.Extractor;
import io.sekisho.inspect.Inspection;
import io.sekisho.inspect.Inspector;
import io.sekisho.match.Matcher;
import io.sekisho.receive.smtp.MessageProcessor;
import io.sekisho.receive.smtp.MimeParts;
import io.sekisho.receive.smtp.SmtpEnvelope;
import io.sekisho.receive.smtp.SmtpOutcome;
import io.sekisho.receive.smtp.SmtpReplies;
import io.sekisho.transfer.Channel;
import io.sekisho.transfer.Transfer;
import io.sekisho.transfer.TransferPart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * One received message through the data path: split into parts, inspect each, one decision for
 * the message, the audit record made durable, and only then the outcome the client is answered
 * with (ADR 0008).
 *
 * <p>What is recorded: every decision other than {@code allow}, and every message with a part
 * that could not be inspected completely, whatever the decision. A plain allow of fully inspected
 * content leaves no record (the mail server's own log has it).
 *
 * <p>Fail closed (ADR 0004): a part MimeParts marks as encrypted (S/MIME, PGP) reaches the
 * policy as {@code encrypted} without being parsed; a part whose inspection throws is
 * {@code failed}; parts not inspected by the per-message deadline ({@code smtp.inspectionTimeout})
 * are {@code timed-out}. The policy's rule for uninspectable content then decides; the default
 * policy refuses it towards outside the company. A record that cannot be made durable is a 451.
 */
public final class InspectingMessageProcessor implements MessageProcessor {
    private static final Logger log = LoggerFactory.getLogger(InspectingMessageProcessor.class);

    private final Extractor extractor;
    private final CatalogueSnapshots catalogue;
    private final Supplier<Policy> policy;
    private final AuditLog audit;
    private final QuarantineStore quarantine;
    private final Evidence evidence;
    private final Duration deadline;
    private final ExecutorService pool;

    InspectingMessageProcessor(Extractor extractor, CatalogueSnapshots catalogue, Supplier<Policy> policy,
                               AuditLog audit, QuarantineStore quarantine, Evidence evidence, Duration deadline,
                               ExecutorService pool) {
        this.extractor = Objects.requireNonNull(extractor, "extractor");
        this.catalogue = Objects.requireNonNull(catalogue, "catalogue");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.quarantine = Objects.requireNonNull(quarantine, "quarantine");
        this.evidence = Objects.requireNonNull(evidence, "evidence");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    @Override
    public SmtpOutcome process(SmtpEnvelope envelope, Path message) throws IOException {
        Path partsDir = message.resolveSibling(message.getFileName() + ".parts");
        try {
            List<TransferPart> parts;
            List<Inspection> inspections;
            try {
                parts = MimeParts.split(message, partsDir);
                inspections = inspect(parts, partsDir);
            } catch (IOException e) {
                // Not MIME we can take apart: the whole message is one part nobody could read.
                TransferPart whole = wholeMessage(message);
                parts = List.of(whole);
                inspections = List.of(uninspected(whole, ExtractionStatus.FAILED, "not readable as MIME: " + e.getMessage()));
            }
            Transfer transfer = transfer(envelope, parts);
            Decision decision = policy.get().decide(transfer, inspections);
            return act(envelope, message, transfer, inspections, decision);
        } finally {
            deleteTree(partsDir);
        }
    }

    /** Records, then acts; the order is what ADR 0006 and 0008 promise. */
    private SmtpOutcome act(SmtpEnvelope envelope, Path message, Transfer transfer, List<Inspection> inspections,
                            Decision decision) {
        boolean uninspectable = inspections.stream().anyMatch(i -> !i.inspected());
        if (decision.action() != Action.ALLOW || uninspectable || !decision.simulated().isEmpty()) {
            try {
                audit.append(AuditRecord.of(transfer, inspections, decision, audit.instance(), evidence));
            } catch (AuditUnavailableException e) {
                log.error("[{}] {}: {} not recorded, answering 451: {}", envelope.connectionId(), transfer.id(),
                        decision.action().id(), e.getMessage());
                return SmtpReplies.AUDIT_UNAVAILABLE;
            }
        }
        log.info("[{}] {} from <{}> to {}: {} by rule {} (policy {})", envelope.connectionId(), transfer.id(),
                envelope.mailFrom(), envelope.recipients(), decision.action().id(), decision.ruleId(),
                decision.policyRevision());
        switch (decision.action()) {
            case BLOCK:
                return SmtpReplies.blocked(decision.message());
            case QUARANTINE:
                try {
                    // The whole message as received, so a release sends exactly what the sender sent.
                    quarantine.put(new Transfer(transfer.id(), transfer.channel(), transfer.receivedAt(),
                            transfer.sender(), transfer.clientAddress(), transfer.destinations(), null,
                            List.of(wholeMessage(message))));
                } catch (IOException | RuntimeException e) {
                    log.error("[{}] {}: quarantine failed, answering 451: {}", envelope.connectionId(), transfer.id(),
                            e.toString());
                    return SmtpReplies.QUARANTINE_UNAVAILABLE;
                }
                return SmtpReplies.quarantined(decision.message());
            case TEMPFAIL:
                return SmtpReplies.policyTempfail(decision.message());
            case LOG:
            case ALLOW:
            default:
                return SmtpOutcome.deliver(envelope, decision.action().id());
        }
    }

    /** Inspects every part within the deadline; what is not done by then is timed out. */
    private List<Inspection> inspect(List<TransferPart> parts, Path partsDir) {
        AtomicReferenceArray<Inspection> done = new AtomicReferenceArray<>(parts.size());
        Future<?> task = pool.submit(() -> {
            try (CatalogueSnapshots.Lease lease = catalogue.acquire()) {
                Matcher matcher = new Matcher(lease.snapshot());
                Inspector inspector = new Inspector(extractor, () -> matcher);
                for (int i = 0; i < parts.size() && !Thread.currentThread().isInterrupted(); i++) {
                    done.set(i, inspectPart(inspector, parts.get(i), partsDir, i));
                }
            }
        });
        String missing = "not inspected within smtp.inspectionTimeout (" + deadline.toSeconds() + " s)";
        ExtractionStatus missingStatus = ExtractionStatus.TIMED_OUT;
        try {
            task.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            task.cancel(true);
        } catch (ExecutionException e) {
            missing = "inspection failed: " + e.getCause();
            missingStatus = ExtractionStatus.FAILED;
            log.error("inspection failed", e.getCause());
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            missing = "interrupted (gateway stopping)";
            missingStatus = ExtractionStatus.FAILED;
        }
        List<Inspection> result = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            Inspection inspection = done.get(i);
            result.add(inspection != null ? inspection : uninspected(parts.get(i), missingStatus, missing));
        }
        return result;
    }

    private Inspection inspectPart(Inspector inspector, TransferPart part, Path partsDir, int index) {
        if (!part.inspectable()) {
            return uninspected(part, ExtractionStatus.ENCRYPTED, describe(part.uninspectable()));
        }
        try {
            return inspector.inspect(part.name(), named(part, partsDir, index));
        } catch (RuntimeException e) {
            log.warn("inspection of part {} failed: {}", part.name(), e.toString());
            return uninspected(part, ExtractionStatus.FAILED, "inspection failed: " + e.getMessage());
        }
    }

    /**
     * The part's content under the name the sender gave it (a hard link), so that the extracted
     * paths and the audit record say {@code plan.docx!/...} rather than the spool file's name, and
     * the extractor sees the file name extension.
     */
    private static Path named(TransferPart part, Path partsDir, int index) {
        String name = part.name();
        int nested = name.lastIndexOf("!/");
        name = (nested >= 0 ? name.substring(nested + 2) : name).replaceAll("[\\p{Cntrl}/\\\\!:]", "_");
        if (name.isBlank() || name.equals(".") || name.equals("..")) {
            return part.content();
        }
        try {
            Path dir = Files.createDirectories(partsDir.resolve("named").resolve(Integer.toString(index)));
            return Files.createLink(dir.resolve(name), part.content());
        } catch (IOException | UnsupportedOperationException | SecurityException | java.nio.file.InvalidPathException e) {
            return part.content();
        }
    }

    private static String describe(String reason) {
        return switch (reason) {
            case TransferPart.SMIME_ENCRYPTED -> "S/MIME encrypted";
            case TransferPart.SMIME_OPAQUE_SIGNED -> "S/MIME opaque-signed: the content is inside the signature";
            case TransferPart.PGP_ENCRYPTED -> "PGP encrypted";
            default -> reason;
        };
    }

    private static Inspection uninspected(TransferPart part, ExtractionStatus status, String detail) {
        return new Inspection(part.name(), ExtractionResult.failure(status, detail), List.of());
    }

    private static Transfer transfer(SmtpEnvelope envelope, List<TransferPart> parts) {
        String client = envelope.client() == null ? null : envelope.client().getAddress().getHostAddress();
        String sender = envelope.mailFrom().isEmpty() ? null : envelope.mailFrom();
        return new Transfer(envelope.transferId(), Channel.SMTP, envelope.receivedAt(), sender, client,
                envelope.recipients(), null, parts);
    }

    private static TransferPart wholeMessage(Path message) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(message), MessageDigest.getInstance("SHA-256"))) {
            long size = in.transferTo(java.io.OutputStream.nullOutputStream());
            String sha = HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
            return new TransferPart("message.eml", "message/rfc822", size, sha, message);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            log.warn("could not remove {}: {}", dir, e.getMessage());
        }
    }
}
