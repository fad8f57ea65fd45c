package io.sekisho.audit;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.sekisho.decide.Decision;
import io.sekisho.inspect.Inspection;
import io.sekisho.transfer.Transfer;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The record of one decision about one transfer: who sent what to whom, what inspection found
 * and where, which rule of which policy revision decided, and what the gateway did. Every action
 * is recorded, including tempfail and transfers that could not be inspected.
 *
 * @param incident       the incident id (the transfer id); also the quarantine id
 * @param time           when the transfer was complete at the gateway
 * @param instance       the gateway instance that decided
 * @param channel        smtp, http or icap
 * @param clientAddress  the connecting client
 * @param sender         envelope sender or authenticated user, or null
 * @param destinations   recipients or destination hosts
 * @param url            the request URL (http, icap), else null
 * @param parts          each part as received, with how completely it was read
 * @param matches        catalogue documents found, with where
 * @param action         what the gateway did (allow, log, tempfail, quarantine, block)
 * @param rule           the rule that decided
 * @param severity       the rule's severity, or null
 * @param policyRevision the hash of the policy that decided
 * @param simulated      rules in simulation mode that matched, and what they would have done
 * @param evidence       how much matched text the passages hold (none, hash, excerpt)
 */
@JsonPropertyOrder({"incident", "time", "instance", "channel", "clientAddress", "sender", "destinations", "url",
        "parts", "matches", "action", "rule", "severity", "policyRevision", "simulated", "evidence"})
public record AuditRecord(String incident, Instant time, String instance, String channel, String clientAddress,
                          String sender, List<String> destinations, String url, List<PartRecord> parts,
                          List<MatchRecord> matches, String action, String rule, String severity,
                          String policyRevision, List<SimulatedRecord> simulated, String evidence)
        implements AuditEntry {

    public AuditRecord {
        Objects.requireNonNull(incident, "incident");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(action, "action");
        destinations = List.copyOf(destinations);
        parts = List.copyOf(parts);
        matches = List.copyOf(matches);
        simulated = List.copyOf(simulated);
    }

    /**
     * Builds the record for a decision. {@code inspections} has one entry per transfer part, in
     * the same order; a part without one (inspection never ran) is recorded as not inspected.
     */
    public static AuditRecord of(Transfer transfer, List<Inspection> inspections, Decision decision, String instance,
                                 Evidence evidence) {
        return RecordBuilder.build(transfer, inspections, decision, instance, evidence);
    }

    @Override
    public String kind() {
        return "decision";
    }

    /**
     * One part as received.
     *
     * @param detectedType the type detected from the content, or null when not inspected
     * @param extraction   {@code complete}, {@code encrypted}, {@code truncated}, ..., or {@code not-inspected}
     * @param detail       why the extraction was not complete, else null
     */
    @JsonPropertyOrder({"name", "declaredType", "detectedType", "size", "sha256", "extraction", "detail"})
    public record PartRecord(String name, String declaredType, String detectedType, long size, String sha256,
                             String extraction, String detail) {
    }

    /**
     * One catalogue document found in one part.
     *
     * @param part the transfer part it was found in
     */
    @JsonPropertyOrder({"part", "documentId", "classification", "matchedChars", "documentCoverage",
            "contentCoverage", "passages"})
    public record MatchRecord(String part, String documentId, String classification, long matchedChars,
                              double documentCoverage, double contentCoverage, List<PassageRecord> passages) {
        public MatchRecord {
            passages = List.copyOf(passages);
        }
    }

    /**
     * Where a match lies: the extracted part ({@code "mail.eml!/report.docx"}) and a character range
     * of its extracted text, end exclusive; with the evidence setting, the hash or the text of that span.
     */
    @JsonPropertyOrder({"path", "start", "end", "sha256", "excerpt"})
    public record PassageRecord(String path, int start, int end, String sha256, String excerpt) {
    }

    /** A rule in simulation mode that matched: what it would have done. */
    @JsonPropertyOrder({"rule", "action", "severity"})
    public record SimulatedRecord(String rule, String action, String severity) {
    }
}
