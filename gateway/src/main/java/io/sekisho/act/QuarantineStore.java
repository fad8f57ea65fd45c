package io.sekisho.act;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.sekisho.audit.AdminEvent;
import io.sekisho.audit.AuditLog;
import io.sekisho.audit.AuditUnavailableException;
import io.sekisho.transfer.Transfer;
import io.sekisho.transfer.TransferPart;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.crypto.SecretKey;

/**
 * Quarantined transfers in one folder: {@code <id>.skq} holds the transfer encrypted (see
 * {@link QuarantineFile}); {@code <id>.state.json} records a release or deletion (who, why, when)
 * and stays as a tombstone after deletion.
 *
 * <p>Release and delete first authenticate the file with the key, then make the audit record
 * durable, and only then act. So a wrong key or a damaged file changes nothing, and nothing
 * happens that the audit log does not show.
 */
public final class QuarantineStore {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,199}");
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final Path dir;
    private final SecretKey key;
    private final AuditLog audit;

    /**
     * @param audit where releases and deletions are recorded; null only for a read-only store
     *              (list, show), which then refuses to release or delete
     */
    public QuarantineStore(Path dir, SecretKey key, AuditLog audit) {
        this.dir = dir;
        this.key = key;
        this.audit = audit;
    }

    /**
     * Stores a transfer whole, under its id (the audit incident id). Durable on return. The channel
     * records the decision (action quarantine) in the audit log; this only keeps the content.
     */
    public QuarantineEntry put(Transfer transfer) throws IOException {
        String id = checkId(transfer.id());
        List<QuarantineEntry.Part> parts = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (TransferPart p : transfer.parts()) {
            byte[] bytes = p.content().bytes();
            parts.add(new QuarantineEntry.Part(p.name(), p.declaredType(), bytes.length, p.sha256()));
            body.writeBytes(bytes);
        }
        QuarantineEntry entry = new QuarantineEntry(id, Instant.now(), transfer.channel().id(), transfer.sender(),
                transfer.clientAddress(), transfer.destinations(), transfer.url(), parts,
                QuarantineEntry.State.HELD, null, null, null);
        Files.createDirectories(dir);
        Path file = file(id);
        if (Files.exists(file) || Files.exists(stateFile(id))) {
            throw new IOException("quarantine entry " + id + " already exists");
        }
        writeDurably(file, QuarantineFile.seal(key, id, JSON.writeValueAsBytes(entry), body.toByteArray()));
        return entry;
    }

    /** Every entry, oldest first; entries that cannot be opened are listed in {@code unreadable} with why. */
    public Listing list() throws IOException {
        List<QuarantineEntry> entries = new ArrayList<>();
        Map<String, String> unreadable = new LinkedHashMap<>();
        if (!Files.isDirectory(dir)) {
            return new Listing(entries, unreadable);
        }
        List<String> ids;
        try (Stream<Path> files = Files.list(dir)) {
            ids = files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".skq") || n.endsWith(".state.json"))
                    .map(n -> n.endsWith(".skq") ? n.substring(0, n.length() - 4) : n.substring(0, n.length() - 11))
                    .distinct().sorted().toList();
        }
        for (String id : ids) {
            try {
                entries.add(show(id));
            } catch (QuarantineException e) {
                unreadable.put(id, e.getMessage());
            }
        }
        entries.sort((a, b) -> a.storedAt() == null || b.storedAt() == null ? 0 : a.storedAt().compareTo(b.storedAt()));
        return new Listing(entries, unreadable);
    }

    /** What {@link #list} found. */
    public record Listing(List<QuarantineEntry> entries, Map<String, String> unreadable) {
    }

    /** One entry's description and state (its header is decrypted; its content is not). */
    public QuarantineEntry show(String id) throws QuarantineException, IOException {
        checkIdOrFail(id);
        StateRecord state = state(id);
        if (state != null && state.state() == QuarantineEntry.State.DELETED) {
            // The content and its description went with the encrypted file; the tombstone says who and why.
            return new QuarantineEntry(id, null, null, null, null, List.of(), null, List.of(), state.state(),
                    state.by(), state.reason(), state.at());
        }
        QuarantineEntry entry = readHeader(id, false).entry;
        return state == null ? entry : entry.withState(state.state(), state.by(), state.reason(), state.at());
    }

    /** The whole transfer, decrypted. */
    public QuarantinedTransfer open(String id) throws QuarantineException, IOException {
        checkIdOrFail(id);
        Read read = readHeader(id, true);
        List<byte[]> contents = new ArrayList<>();
        int offset = 0;
        for (QuarantineEntry.Part p : read.entry.parts()) {
            if (offset + p.size() > read.body.length) {
                throw new QuarantineException(QuarantineException.Reason.DAMAGED,
                        "quarantine entry " + id + " is damaged: its parts do not add up to its content");
            }
            contents.add(java.util.Arrays.copyOfRange(read.body, offset, offset + (int) p.size()));
            offset += (int) p.size();
        }
        StateRecord state = state(id);
        QuarantineEntry entry = state == null ? read.entry : read.entry.withState(state.state(), state.by(), state.reason(), state.at());
        return new QuarantinedTransfer(entry, contents);
    }

    /**
     * Releases a held transfer to a target: audit record first ({@code quarantine-released} with
     * who, why and where to), then delivery, then the state. A failed delivery is recorded too.
     */
    public QuarantineEntry release(String id, String by, String reason, ReleaseTarget target)
            throws QuarantineException, IOException {
        QuarantinedTransfer transfer = open(id);
        requireHeld(transfer.entry());
        record(AdminEvent.QUARANTINE_RELEASED, id, by, reason, Map.of("target", target.describe(),
                "parts", Integer.toString(transfer.contents().size()), "bytes", Long.toString(transfer.entry().size())));
        try {
            target.deliver(transfer);
        } catch (IOException e) {
            try {
                record(AdminEvent.QUARANTINE_RELEASE_FAILED, id, by, reason,
                        Map.of("target", target.describe(), "error", String.valueOf(e.getMessage())));
            } catch (QuarantineException alsoUnavailable) {
                e.addSuppressed(alsoUnavailable);
            }
            throw new QuarantineException(QuarantineException.Reason.DELIVERY_FAILED,
                    "quarantine entry " + id + " could not be delivered to " + target.describe() + ": " + e.getMessage(), e);
        }
        Instant now = Instant.now();
        QuarantineEntry released = transfer.entry().withState(QuarantineEntry.State.RELEASED, by, reason, now);
        writeState(id, new StateRecord(QuarantineEntry.State.RELEASED, by, reason, now));
        return released;
    }

    /** Deletes a transfer (held or released): authenticate, audit record, then delete; a tombstone stays. */
    public QuarantineEntry delete(String id, String by, String reason) throws QuarantineException, IOException {
        QuarantineEntry entry = show(id);
        if (entry.state() == QuarantineEntry.State.DELETED) {
            throw new QuarantineException(QuarantineException.Reason.NOT_HELD, "quarantine entry " + id
                    + " was already deleted by " + entry.stateBy() + " at " + entry.stateAt());
        }
        readHeader(id, true);
        record(AdminEvent.QUARANTINE_DELETED, id, by, reason, Map.of("bytes", Long.toString(entry.size())));
        Instant now = Instant.now();
        QuarantineEntry deleted = entry.withState(QuarantineEntry.State.DELETED, by, reason, now);
        writeState(id, new StateRecord(QuarantineEntry.State.DELETED, by, reason, now));
        Files.delete(file(id));
        return deleted;
    }

    private void record(String event, String id, String by, String reason, Map<String, String> details)
            throws QuarantineException {
        if (audit == null) {
            throw new QuarantineException(QuarantineException.Reason.AUDIT_UNAVAILABLE,
                    "no audit log: releases and deletions must be recorded");
        }
        if (by == null || by.isBlank()) {
            throw new IllegalArgumentException("who acts on the quarantine must be named");
        }
        try {
            audit.append(new AdminEvent(Instant.now(), audit.instance(), event, id, by, reason, details));
        } catch (AuditUnavailableException e) {
            throw new QuarantineException(QuarantineException.Reason.AUDIT_UNAVAILABLE,
                    "nothing was done: the audit log cannot record it (" + e.getMessage() + ")", e);
        }
    }

    private static void requireHeld(QuarantineEntry entry) throws QuarantineException {
        if (entry.state() != QuarantineEntry.State.HELD) {
            throw new QuarantineException(QuarantineException.Reason.NOT_HELD, "quarantine entry " + entry.id()
                    + " was already " + entry.state().name().toLowerCase(java.util.Locale.ROOT) + " by "
                    + entry.stateBy() + " at " + entry.stateAt());
        }
    }

    private record Read(QuarantineEntry entry, byte[] body) {
    }

    private Read readHeader(String id, boolean withBody) throws QuarantineException, IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file(id));
        } catch (NoSuchFileException e) {
            throw new QuarantineException(QuarantineException.Reason.UNKNOWN_ID, "no quarantine entry " + id);
        }
        QuarantineFile.Opened opened = QuarantineFile.open(key, id, bytes, withBody);
        QuarantineEntry entry;
        try {
            entry = JSON.readValue(opened.header(), QuarantineEntry.class);
        } catch (IOException e) {
            throw new QuarantineException(QuarantineException.Reason.DAMAGED,
                    "quarantine entry " + id + " is damaged: its header is not readable", e);
        }
        if (!id.equals(entry.id())) {
            throw new QuarantineException(QuarantineException.Reason.DAMAGED,
                    "quarantine entry " + id + " is damaged: it describes " + entry.id());
        }
        return new Read(entry, opened.body());
    }

    /** The state file: in clear, so it holds who, why and when, nothing about the transfer. */
    private record StateRecord(QuarantineEntry.State state, String by, String reason, Instant at) {
    }

    private StateRecord state(String id) throws QuarantineException {
        Path f = stateFile(id);
        if (!Files.exists(f)) {
            if (!Files.exists(file(id))) {
                throw new QuarantineException(QuarantineException.Reason.UNKNOWN_ID, "no quarantine entry " + id);
            }
            return null;
        }
        try {
            return JSON.readValue(f.toFile(), StateRecord.class);
        } catch (IOException e) {
            throw new QuarantineException(QuarantineException.Reason.DAMAGED,
                    "quarantine entry " + id + " is damaged: " + f.getFileName() + " is not readable", e);
        }
    }

    private void writeState(String id, StateRecord state) throws IOException {
        writeDurably(stateFile(id), JSON.writeValueAsBytes(state));
    }

    private static void writeDurably(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel d = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | RuntimeException ignored) {
            // Not every platform can sync a directory; the file itself is synced.
        }
    }

    private Path file(String id) {
        return dir.resolve(id + ".skq");
    }

    private Path stateFile(String id) {
        return dir.resolve(id + ".state.json");
    }

    private static String checkId(String id) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not a usable quarantine id: " + id);
        }
        return id;
    }

    private static void checkIdOrFail(String id) throws QuarantineException {
        if (id == null || !ID.matcher(id).matches()) {
            throw new QuarantineException(QuarantineException.Reason.UNKNOWN_ID, "no quarantine entry " + id);
        }
    }
}
