package io.sekisho.audit;

import io.sekisho.decide.Decision;
import io.sekisho.extract.ExtractedPart;
import io.sekisho.inspect.Inspection;
import io.sekisho.match.Match;
import io.sekisho.match.Passage;
import io.sekisho.transfer.Transfer;
import io.sekisho.transfer.TransferPart;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Turns the stage types into an {@link AuditRecord}; the only place that reads matched text for evidence. */
final class RecordBuilder {
    static final String NOT_INSPECTED = "not-inspected";

    private RecordBuilder() {
    }

    static AuditRecord build(Transfer transfer, List<Inspection> inspections, Decision decision, String instance,
                             Evidence evidence) {
        List<AuditRecord.PartRecord> parts = new ArrayList<>();
        List<AuditRecord.MatchRecord> matches = new ArrayList<>();
        for (int i = 0; i < transfer.parts().size(); i++) {
            TransferPart part = transfer.parts().get(i);
            Inspection inspection = i < inspections.size() ? inspections.get(i) : null;
            parts.add(part(part, inspection));
            if (inspection != null) {
                for (Match m : inspection.matches()) {
                    matches.add(new AuditRecord.MatchRecord(part.name(), m.documentId(), m.classification(),
                            m.matchedChars(), m.documentCoverage(), m.contentCoverage(),
                            passages(m, inspection, evidence)));
                }
            }
        }
        List<AuditRecord.SimulatedRecord> simulated = decision.simulated().stream()
                .map(s -> new AuditRecord.SimulatedRecord(s.ruleId(), s.action().id(), s.severity())).toList();
        return new AuditRecord(transfer.id(), transfer.receivedAt(), instance, transfer.channel().id(),
                transfer.clientAddress(), transfer.sender(), transfer.destinations(), transfer.url(), parts, matches,
                decision.action().id(), decision.ruleId(), decision.severity(), decision.policyRevision(), simulated,
                evidence.name().toLowerCase(Locale.ROOT));
    }

    private static AuditRecord.PartRecord part(TransferPart part, Inspection inspection) {
        if (inspection == null) {
            return new AuditRecord.PartRecord(part.name(), part.declaredType(), null, part.size(), part.sha256(),
                    NOT_INSPECTED, null);
        }
        List<ExtractedPart> extracted = inspection.extraction().parts();
        String detected = extracted.isEmpty() ? null : extracted.get(0).mediaType();
        return new AuditRecord.PartRecord(part.name(), part.declaredType(), detected, part.size(), part.sha256(),
                inspection.extraction().status().reason(), inspection.extraction().detail());
    }

    private static List<AuditRecord.PassageRecord> passages(Match m, Inspection inspection, Evidence evidence) {
        List<AuditRecord.PassageRecord> out = new ArrayList<>();
        for (Passage p : m.passages()) {
            String span = evidence == Evidence.NONE ? null : span(inspection, p);
            out.add(new AuditRecord.PassageRecord(p.part(), p.start(), p.end(),
                    evidence == Evidence.HASH && span != null ? Hashes.sha256Hex(span.getBytes(StandardCharsets.UTF_8)) : null,
                    evidence == Evidence.EXCERPT ? span : null));
        }
        return out;
    }

    /** The matched text, or null when the passage names a part or range the inspection does not hold. */
    private static String span(Inspection inspection, Passage p) {
        for (ExtractedPart part : inspection.extraction().parts()) {
            if (part.path().equals(p.part())) {
                String text = part.text();
                if (p.start() < 0 || p.end() > text.length() || p.start() > p.end()) {
                    return null;
                }
                return text.substring(p.start(), p.end());
            }
        }
        return null;
    }
}
