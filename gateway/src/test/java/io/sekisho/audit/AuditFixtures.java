package io.sekisho.audit;

import io.sekisho.decide.Action;
import io.sekisho.decide.Decision;
import io.sekisho.extract.ExtractedPart;
import io.sekisho.extract.ExtractionResult;
import io.sekisho.extract.ExtractionStatus;
import io.sekisho.inspect.Inspection;
import io.sekisho.match.Match;
import io.sekisho.match.Passage;
import io.sekisho.transfer.Channel;
import io.sekisho.transfer.Transfer;
import io.sekisho.transfer.TransferPart;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Decisions as a channel would record them, for tests in every package. */
public final class AuditFixtures {
    public static final String PART_TEXT = "Quarterly note. The reactor vessel is annealed at 640 degrees for 9 hours. End.";
    public static final int MATCH_START = 16;
    public static final int MATCH_END = 73;

    private AuditFixtures() {
    }

    /** The options the audit tests open a log with: instance gw-test, signed checkpoints every 10 records. */
    public static AuditLogOptions options(PrivateKey signingKey) {
        return AuditLogOptions.defaults().withInstance("gw-test").withSigningKey(signingKey)
                .withCheckpoints(10, Duration.ofMinutes(5));
    }

    public static Transfer transfer(String id, String sender, String... destinations) {
        return new Transfer(id, Channel.SMTP, Instant.parse("2026-11-26T09:00:00Z"), sender, "192.0.2.10",
                List.of(destinations), null,
                List.of(new TransferPart("report.docx", "application/msword", 12345, "ab".repeat(32), Path.of("/spool/x"))));
    }

    public static Inspection inspection(String documentId, String classification) {
        ExtractedPart part = new ExtractedPart("report.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 12345,
                ExtractionStatus.COMPLETE, null, PART_TEXT);
        List<Match> matches = documentId == null ? List.of() : List.of(new Match(documentId, classification, "Reactor",
                "R&D", 57, 0.03, 0.7, List.of(new Passage("report.docx", MATCH_START, MATCH_END))));
        return new Inspection("report.docx", ExtractionResult.of(List.of(part)), matches);
    }

    public static Decision decision(Action action) {
        return new Decision(action, "no-secret-outside", "high", "blocked", "sha256:policy-rev-1", List.of());
    }

    public static AuditRecord record(String id, Action action, String sender, String documentId, String classification,
                                     Evidence evidence) {
        return AuditRecord.of(transfer(id, sender, "bob@partner.example"),
                List.of(inspection(documentId, classification)), decision(action), "gw-test", evidence);
    }

    public static AuditRecord record(int n) {
        return record("inc-" + n, Action.BLOCK, "alice@example.com", "doc-" + (n % 7), "secret", Evidence.HASH);
    }
}
