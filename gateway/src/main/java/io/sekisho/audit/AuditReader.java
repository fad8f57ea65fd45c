package io.sekisho.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads records back for auditors: all of them in order, one incident, the last checkpoint.
 * It reads; it does not judge. A line that is not a record is skipped here and reported by
 * {@link AuditVerifier}, which is what an auditor runs first.
 */
public final class AuditReader {
    private AuditReader() {
    }

    /** Visits every readable record, in file order. */
    public static void forEach(Path dir, Consumer<StoredRecord> visitor) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " is not an audit log folder");
        }
        for (Path file : Segments.list(dir)) {
            String segment = file.getFileName().toString();
            SegmentLines.walk(file, (data, offset, length, line) -> {
                try {
                    RecordCodec.Decoded d = RecordCodec.decode(data, offset, length);
                    visitor.accept(new StoredRecord(segment, line, d.seq(), d.type(), d.json(),
                            new String(data, offset, length, StandardCharsets.UTF_8)));
                } catch (IOException unreadable) {
                    // Reported by the verifier; a query shows what can be read.
                }
            });
        }
    }

    /** The records that match a query, in file order. */
    public static List<StoredRecord> query(Path dir, AuditQuery query) throws IOException {
        List<StoredRecord> out = new ArrayList<>();
        forEach(dir, r -> {
            if (query.test(r)) {
                out.add(r);
            }
        });
        return out;
    }

    /** An incident's decision record and every administrative record about it (release, delete), in order. */
    public static List<StoredRecord> incident(Path dir, String incidentId) throws IOException {
        List<StoredRecord> out = new ArrayList<>();
        forEach(dir, r -> {
            if (incidentId.equals(r.incident())) {
                out.add(r);
            }
        });
        return out;
    }

    /** The newest checkpoint, to export and keep elsewhere. */
    public static Optional<StoredRecord> lastCheckpoint(Path dir) throws IOException {
        StoredRecord[] last = new StoredRecord[1];
        forEach(dir, r -> {
            if ("checkpoint".equals(r.type())) {
                last[0] = r;
            }
        });
        return Optional.ofNullable(last[0]);
    }
}
