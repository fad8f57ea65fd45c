package io.sekisho.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The chain's state and the current segment, used by the log's one writer thread only: encodes
 * a group, writes it with one {@code force}, adds checkpoints, rotates and expires segments.
 * After any I/O error it forgets its state and, for the next group, re-reads the log from disk
 * exactly as a fresh start would, so a failure never leaves a record the chain does not know of.
 */
final class ChainWriter {
    private final Path dir;
    private final AuditLogOptions options;
    private final SegmentFile.Opener opener;
    private final String keyId;

    private SegmentFile file;
    private long seq;
    private String lastHash;
    private long segmentIndex;
    private Instant segmentStarted;
    private int unsigned;
    private Instant firstUnsigned;
    private LogTail.Torn pendingTorn;

    ChainWriter(Path dir, AuditLogOptions options, SegmentFile.Opener opener) {
        this.dir = dir;
        this.options = options;
        this.opener = opener;
        this.keyId = options.signingKey() == null ? null : AuditKeys.keyId(AuditKeys.publicKeyOf(options.signingKey()));
    }

    /** Reads where the log ends (moving a torn tail aside) and opens the last segment. */
    void open() throws IOException {
        LogTail.State state = LogTail.recover(dir);
        seq = state.seq();
        lastHash = state.hash();
        segmentIndex = state.segmentIndex();
        segmentStarted = state.segmentStarted();
        file = opener.open(dir.resolve(Segments.name(segmentIndex)));
        syncDirectory();
        pendingTorn = state.torn();
        unsigned = 0;
        firstUnsigned = null;
    }

    boolean isOpen() {
        return file != null;
    }

    /** The torn tail found by the last {@link #open}, once; the caller records it. */
    LogTail.Torn takeTorn() {
        LogTail.Torn t = pendingTorn;
        pendingTorn = null;
        return t;
    }

    /**
     * Writes entries and, when due, a checkpoint, then forces once.
     *
     * @return one result per entry, in order, and the stored lines (for forwarding)
     */
    Group write(List<AuditEntry> entries, boolean forceCheckpoint) throws IOException {
        long savedSeq = seq;
        String savedHash = lastHash;
        int savedUnsigned = unsigned;
        Instant savedFirstUnsigned = firstUnsigned;
        long start = -1;
        try {
            start = file.size();
            ByteArrayOutputStream buf = new ByteArrayOutputStream(entries.size() * 512);
            List<Appended> results = new ArrayList<>(entries.size());
            List<String> lines = new ArrayList<>(entries.size());
            for (AuditEntry e : entries) {
                RecordCodec.Encoded enc = append(buf, e);
                results.add(new Appended(seq, enc.hash(), Segments.name(segmentIndex)));
                lines.add(new String(enc.line(), 0, enc.line().length - 1, java.nio.charset.StandardCharsets.UTF_8));
                if (firstUnsigned == null) {
                    firstUnsigned = Instant.now();
                }
                unsigned++;
                // Inside the group too: a group of thousands must not leave thousands unsigned.
                if (keyId != null && unsigned >= options.checkpointEvery()) {
                    signHere(buf, lines);
                }
            }
            if (keyId != null && unsigned > 0 && (forceCheckpoint || checkpointDue(Instant.now()))) {
                signHere(buf, lines);
            }
            file.write(ByteBuffer.wrap(buf.toByteArray()));
            file.force();
            return new Group(results, lines);
        } catch (IOException | RuntimeException e) {
            seq = savedSeq;
            lastHash = savedHash;
            unsigned = savedUnsigned;
            firstUnsigned = savedFirstUnsigned;
            abandon(start);
            throw e instanceof IOException io ? io : new IOException(e);
        }
    }

    record Group(List<Appended> results, List<String> lines) {
    }

    boolean checkpointDue(Instant now) {
        return keyId != null && unsigned > 0 && (unsigned >= options.checkpointEvery()
                || firstUnsigned != null && !now.isBefore(firstUnsigned.plus(options.checkpointInterval())));
    }

    /** How long the writer may sleep before a checkpoint falls due. */
    Duration untilCheckpoint(Instant now) {
        if (keyId == null || firstUnsigned == null) {
            return Duration.ofSeconds(1);
        }
        Duration left = Duration.between(now, firstUnsigned.plus(options.checkpointInterval()));
        return left.isNegative() ? Duration.ZERO : left;
    }

    boolean rotationDue(Instant now) throws IOException {
        long size = file.size();
        return size >= options.maxSegmentBytes()
                || size > 0 && !now.isBefore(segmentStarted.plus(options.maxSegmentAge()));
    }

    /** Starts the next segment; returns the retention record to append, if segments were removed. */
    AdminEvent rotate() throws IOException {
        file.close();
        file = null;
        segmentIndex++;
        file = opener.open(dir.resolve(Segments.name(segmentIndex)));
        segmentStarted = Instant.now();
        syncDirectory();
        return options.retention() == null ? null : expire(Instant.now().minus(options.retention()));
    }

    /**
     * Removes the oldest segments whose newest record is older than the cut-off, never the one just
     * closed, and only from the front, so what is left is one unbroken chain that starts where the
     * returned record says.
     */
    private AdminEvent expire(Instant cutoff) throws IOException {
        List<Path> segments = Segments.list(dir);
        List<String> removed = new ArrayList<>();
        int i = 0;
        while (i < segments.size() - 2
                && Files.getLastModifiedTime(segments.get(i)).compareTo(FileTime.from(cutoff)) < 0) {
            i++;
        }
        if (i == 0) {
            return null;
        }
        byte[] first = Files.readAllBytes(segments.get(i));
        RecordCodec.Decoded firstKept = RecordCodec.decode(first, 0, indexOfNewline(first));
        for (int k = 0; k < i; k++) {
            Files.delete(segments.get(k));
            removed.add(segments.get(k).getFileName().toString());
        }
        syncDirectory();
        return new AdminEvent(Instant.now(), options.instance(), AdminEvent.SEGMENTS_EXPIRED, null,
                AdminEvent.GATEWAY, "retention " + options.retention(),
                Map.of("removed", String.join(",", removed),
                        "firstRetainedSeq", Long.toString(firstKept.seq()),
                        "firstRetainedPrev", firstKept.prev(),
                        "firstRetainedSegment", segments.get(i).getFileName().toString()));
    }

    void close() {
        abandon(-1);
    }

    private RecordCodec.Encoded append(ByteArrayOutputStream buf, AuditEntry entry) {
        RecordCodec.Encoded enc = RecordCodec.encode(seq + 1, entry, lastHash);
        seq++;
        lastHash = enc.hash();
        buf.writeBytes(enc.line());
        return enc;
    }

    /** Appends a checkpoint; its line is forwarded too, so the SIEM holds a copy the gateway's admins cannot roll back. */
    private void signHere(ByteArrayOutputStream buf, List<String> lines) {
        RecordCodec.Encoded enc = append(buf, checkpoint());
        lines.add(new String(enc.line(), 0, enc.line().length - 1, java.nio.charset.StandardCharsets.UTF_8));
        unsigned = 0;
        firstUnsigned = null;
    }

    private Checkpoint checkpoint() {
        Instant now = Instant.now();
        byte[] message = Checkpoint.signedBytes(seq, lastHash, now.toString(), options.instance());
        return new Checkpoint(now, options.instance(), seq, lastHash, keyId,
                AuditKeys.sign(options.signingKey(), message));
    }

    /** Cuts a failed group off (best effort) and drops the file; the next group re-opens from disk. */
    private void abandon(long truncateTo) {
        if (file == null) {
            return;
        }
        try {
            if (truncateTo >= 0) {
                file.truncate(truncateTo);
            }
        } catch (IOException | RuntimeException ignored) {
            // Whatever stayed is found again by LogTail on re-open: a torn tail is moved aside and recorded.
        }
        try {
            file.close();
        } catch (IOException | RuntimeException ignored) {
            // Nothing more can be lost here: the group already failed and its callers are told.
        }
        file = null;
    }

    private void syncDirectory() {
        // A new segment's name must survive a crash as well as its content.
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | RuntimeException ignored) {
            // Not every platform can open a directory; the content sync still happened.
        }
    }

    private static int indexOfNewline(byte[] data) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] == '\n') {
                return i;
            }
        }
        return data.length;
    }
}
