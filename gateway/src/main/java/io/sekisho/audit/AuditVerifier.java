package io.sekisho.audit;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Checks a log folder: every record's hash, every link from one record to the one before,
 * sequence numbers without gaps or repeats, every checkpoint's signature, and (given an exported
 * checkpoint) that the log still reaches as far as it once did. It reports every problem with
 * segment, line, byte offset and sequence number, then goes on, so one edit does not hide another.
 */
public final class AuditVerifier {
    /** Gaps larger than this are reported as one range without tracking which seqs turn up later. */
    private static final long TRACKED_GAP = 100_000;

    private final PublicKey key;
    private final String keyId;
    private final Checkpoint exported;
    private final long exportedSeq;
    private final String exportedHash;
    private final List<Finding> problems = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<Gap> gaps = new ArrayList<>();
    private final TreeSet<Long> missing = new TreeSet<>();
    /** Hashes and places of recent records by seq, so a reordered record is checked against its true predecessor. */
    private final Map<Long, String[]> recent = new LinkedHashMap<>(4096, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, String[]> eldest) {
            return size() > 4096;
        }
    };

    private String segment;
    private long records;
    private long checkpoints;
    private long lastSeq = -1;
    private String lastHash;
    private long firstSeq = -1;
    private String firstPrev;
    private long lastCheckpointSeq;
    private boolean exportedFound;
    private String retainedFromPrev;
    private long retainedFromSeq = -1;

    private record Gap(long from, long to, String segment, long line, long offset) {
    }

    private AuditVerifier(PublicKey key, Checkpoint exported, long exportedSeq, String exportedHash) {
        this.key = key;
        this.keyId = key == null ? null : AuditKeys.keyId(key);
        this.exported = exported;
        this.exportedSeq = exportedSeq;
        this.exportedHash = exportedHash;
    }

    /**
     * Verifies a log folder.
     *
     * @param key                the public key checkpoints must be signed with, or null to check the chain only
     * @param exportedCheckpoint a checkpoint exported earlier ({@code audit export-checkpoint}), or null
     * @throws IOException when the folder or the exported checkpoint cannot be read at all
     */
    public static VerifyReport verify(Path dir, PublicKey key, Path exportedCheckpoint) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " is not a folder");
        }
        AuditVerifier v;
        if (exportedCheckpoint == null) {
            v = new AuditVerifier(key, null, -1, null);
        } else {
            RecordCodec.Decoded d = readExported(exportedCheckpoint);
            v = new AuditVerifier(key, RecordCodec.read(d.json(), Checkpoint.class), d.seq(), d.hash());
        }
        return v.run(dir);
    }

    private static RecordCodec.Decoded readExported(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int length = bytes.length;
        while (length > 0 && (bytes[length - 1] == '\n' || bytes[length - 1] == '\r')) {
            length--;
        }
        RecordCodec.Decoded d;
        try {
            d = RecordCodec.decode(bytes, 0, length);
        } catch (IOException e) {
            throw new IOException(file + " is not an exported checkpoint: " + e.getMessage(), e);
        }
        if (!"checkpoint".equals(d.type()) || !d.hashMatches()) {
            throw new IOException(file + " is not an intact exported checkpoint");
        }
        return d;
    }

    private VerifyReport run(Path dir) throws IOException {
        List<Path> segments = Segments.list(dir);
        long expectedIndex = -1;
        for (int i = 0; i < segments.size(); i++) {
            Path file = segments.get(i);
            segment = file.getFileName().toString();
            long index = Segments.index(file);
            if (expectedIndex > 0 && index != expectedIndex) {
                problems.add(new Finding(Finding.MISSING_SEGMENT, segment, 0, -1, -1, "segment files "
                        + Segments.name(expectedIndex) + " to " + Segments.name(index - 1) + " are missing"));
            }
            expectedIndex = index + 1;
            int end = SegmentLines.walk(file, this::line);
            long size = SegmentLines.size(file);
            if (end < size) {
                String what = size - end + " bytes after the last complete record (seq " + lastSeq + ") are an "
                        + "unfinished record";
                problems.add(new Finding(Finding.TORN_TAIL, segment, 0, end, -1, i == segments.size() - 1
                        ? what + ": a writer stopped in the middle of a write, or the file was cut; the next "
                        + "writer start moves them aside and records that"
                        : what + " in a segment that is not the last: the file was cut or edited"));
            }
        }
        finish(segments.isEmpty());
        return new VerifyReport(records, checkpoints, lastSeq, lastHash, key != null, problems, notes);
    }

    private void line(byte[] data, int offset, int length, long line) {
        RecordCodec.Decoded d;
        try {
            d = RecordCodec.decode(data, offset, length);
        } catch (IOException e) {
            problems.add(new Finding(Finding.UNREADABLE, segment, line, offset, -1,
                    "not a record (" + e.getMessage() + "): edited or damaged"));
            return;
        }
        records++;
        if (!d.hashMatches()) {
            problems.add(new Finding(Finding.ALTERED, segment, line, offset, d.seq(),
                    "the record's content does not match its hash: it was altered after it was written"));
        }
        link(d, line, offset);
        recent.put(d.seq(), new String[] {d.hash(), segment + ":" + line});
        lastSeq = Math.max(lastSeq, d.seq());
        lastHash = d.hash();
        if (d.seq() == exportedSeq) {
            exportedFound = true;
            if (!d.hash().equals(exportedHash)) {
                problems.add(new Finding(Finding.TRUNCATED, segment, line, offset, d.seq(), "differs from the "
                        + "exported checkpoint with the same seq: the log was rolled back and rewritten from here"));
            }
        }
        if ("checkpoint".equals(d.type())) {
            checkpoint(d, line, offset);
        } else if ("admin".equals(d.type())) {
            admin(d.json());
        }
    }

    private void link(RecordCodec.Decoded d, long line, long offset) {
        long seq = d.seq();
        if (lastSeq < 0) {
            firstSeq = seq;
            firstPrev = d.prev();
            return;
        }
        String[] before = recent.get(seq - 1);
        if (seq <= lastSeq + 1 && before != null && !d.prev().equals(before[0])) {
            problems.add(new Finding(Finding.BROKEN_LINK, segment, line, offset, seq, "does not chain to seq "
                    + (seq - 1) + " at " + before[1] + " (prev differs from its hash): that record was replaced, or "
                    + "one was inserted"));
        }
        if (seq > lastSeq + 1) {
            gaps.add(new Gap(lastSeq + 1, seq - 1, segment, line, offset));
            if (seq - lastSeq - 1 <= TRACKED_GAP) {
                for (long s = lastSeq + 1; s < seq; s++) {
                    missing.add(s);
                }
            }
        } else if (missing.remove(seq)) {
            problems.add(new Finding(Finding.REORDERED, segment, line, offset, seq,
                    "appears after seq " + lastSeq + ": records were reordered"));
        } else if (seq <= lastSeq) {
            String[] first = recent.get(seq);
            problems.add(new Finding(Finding.INSERTED, segment, line, offset, seq, "seq " + seq + " appears again"
                    + (first == null ? "" : " (first at " + first[1] + ")") + ": a record was inserted or copied"));
        }
    }

    private void checkpoint(RecordCodec.Decoded d, long line, long offset) {
        checkpoints++;
        Checkpoint c;
        try {
            c = RecordCodec.read(d.json(), Checkpoint.class);
        } catch (IOException e) {
            problems.add(new Finding(Finding.BAD_CHECKPOINT, segment, line, offset, d.seq(),
                    "checkpoint cannot be read: " + e.getMessage()));
            return;
        }
        if (c.coversSeq() != d.seq() - 1 || !d.prev().equals(c.coversHash())) {
            problems.add(new Finding(Finding.BAD_CHECKPOINT, segment, line, offset, d.seq(),
                    "checkpoint does not cover the record right before it (covers seq " + c.coversSeq() + ")"));
        }
        if (key == null) {
            return;
        }
        if (!keyId.equals(c.keyId())) {
            problems.add(new Finding(Finding.OTHER_KEY, segment, line, offset, d.seq(), "checkpoint names key "
                    + c.keyId() + ", not the given public key " + keyId));
        }
        if (!AuditKeys.verify(key, c.signedBytes(), c.signature())) {
            problems.add(new Finding(Finding.BAD_SIGNATURE, segment, line, offset, d.seq(), "checkpoint signature "
                    + "does not verify with the given public key " + keyId + ": signed by another key, or the "
                    + "records it covers were rewritten"));
        } else {
            lastCheckpointSeq = d.seq();
        }
    }

    private void admin(JsonNode json) {
        String event = json.path("event").asText();
        JsonNode details = json.path("details");
        if (AdminEvent.TORN_TAIL_MOVED.equals(event)) {
            notes.add("on " + json.path("time").asText() + " a writer start moved " + details.path("bytes").asText()
                    + " unfinished bytes from " + details.path("segment").asText() + " offset "
                    + details.path("offset").asText() + " to " + details.path("movedTo").asText());
        } else if (AdminEvent.SEGMENTS_EXPIRED.equals(event)) {
            retainedFromSeq = details.path("firstRetainedSeq").asLong(-1);
            retainedFromPrev = details.path("firstRetainedPrev").asText();
            notes.add("retention removed " + details.path("removed").asText() + " on " + json.path("time").asText());
        }
    }

    private void finish(boolean empty) {
        if (firstSeq > 0 && (firstSeq != 1 || !Hashes.GENESIS.equals(firstPrev))) {
            if (firstSeq == retainedFromSeq && firstPrev.equals(retainedFromPrev)) {
                notes.add("the log starts at seq " + firstSeq + ": earlier records were removed by retention");
            } else {
                problems.add(new Finding(Finding.REMOVED, null, 0, -1, firstSeq, "the log starts at seq " + firstSeq
                        + " and no retention record explains it: the records before it were removed"));
            }
        }
        for (Gap g : gaps) {
            reportGap(g);
        }
        if (exported != null) {
            if (!exportedFound) {
                problems.add(new Finding(Finding.TRUNCATED, null, 0, -1, exportedSeq, "the log ends at seq "
                        + Math.max(lastSeq, 0) + ", but the exported checkpoint of " + exported.time() + " shows it "
                        + "reached seq " + exportedSeq + ": records were removed from the end (truncation or rollback)"));
            }
            if (key != null && !AuditKeys.verify(key, exported.signedBytes(), exported.signature())) {
                problems.add(new Finding(Finding.BAD_SIGNATURE, null, 0, -1, exportedSeq,
                        "the exported checkpoint's signature does not verify with the given public key"));
            }
        }
        if (key == null) {
            notes.add("signatures not checked: give --public-key to check them");
        } else if (records > 0 && checkpoints == 0) {
            problems.add(new Finding(Finding.UNSIGNED, null, 0, -1, -1, "the log holds no checkpoint: nothing in it "
                    + "is signed"));
        } else if (lastSeq > lastCheckpointSeq && lastCheckpointSeq > 0) {
            notes.add((lastSeq - lastCheckpointSeq) + " records after the last valid checkpoint (seq "
                    + lastCheckpointSeq + ") are not signed yet; an exported checkpoint protects against their removal");
        }
        if (empty) {
            notes.add("the folder holds no segment files");
        }
    }

    private void reportGap(Gap g) {
        long from = -1;
        for (long s = g.from(); s <= g.to() + 1; s++) {
            boolean gone = s <= g.to() && (g.to() - g.from() + 1 > TRACKED_GAP || missing.contains(s));
            if (gone && from < 0) {
                from = s;
            } else if (!gone && from >= 0) {
                String range = from == s - 1 ? "record seq " + from + " is" : "records seq " + from + " to " + (s - 1) + " are";
                problems.add(new Finding(Finding.REMOVED, g.segment(), g.line(), g.offset(), g.to() + 1,
                        range + " missing before this record: removed"));
                from = -1;
            }
            if (g.to() - g.from() + 1 > TRACKED_GAP && gone && s == g.from()) {
                s = g.to();
            }
        }
    }
}
