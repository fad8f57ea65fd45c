package io.sekisho.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sekisho.decide.Decision;
import io.sekisho.inspect.Inspection;
import io.sekisho.match.Match;
import io.sekisho.match.Passage;

import java.util.List;
import java.util.Locale;

/** How one inspection is printed: a readable block, or one JSON line (the stable, scriptable form). */
final class ScanReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ScanReport() {
    }

    /**
     * The JSON line: field names are an interface, do not rename them. {@code decision} is present
     * only when a policy decided (scan --policy), so lines without a policy stay as they were.
     */
    record Line(String file, String status, String reason, String detail, List<MatchLine> matches,
                @JsonInclude(JsonInclude.Include.NON_NULL) DecisionLine decision) {
    }

    /** What the policy decided; {@code simulated} lists rules that matched in log-only mode. */
    record DecisionLine(String action, String ruleId, String severity, String message, String policyRevision,
                        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<SimulatedLine> simulated) {
        static DecisionLine of(Decision d) {
            return new DecisionLine(d.action().id(), d.ruleId(), d.severity(), d.message(), d.policyRevision(),
                    d.simulated().stream().map(s -> new SimulatedLine(s.ruleId(), s.action().id())).toList());
        }
    }

    record SimulatedLine(String ruleId, String action) {
    }

    record MatchLine(String documentId, String classification, long matchedChars, double documentCoverage,
                     double contentCoverage, List<Passage> passages) {
    }

    static Line line(Inspection inspection) {
        return line(inspection, null);
    }

    static Line line(Inspection inspection, Decision decision) {
        List<MatchLine> matches = inspection.matches().stream()
                .map(m -> new MatchLine(m.documentId(), m.classification(), m.matchedChars(),
                        round(m.documentCoverage()), round(m.contentCoverage()), m.passages()))
                .toList();
        boolean inspected = inspection.inspected();
        return new Line(inspection.name(),
                inspected ? "inspected" : "uninspectable",
                inspected ? null : inspection.extraction().status().reason(),
                inspection.extraction().detail(),
                matches,
                decision == null ? null : DecisionLine.of(decision));
    }

    static String json(Inspection inspection, Decision decision) {
        try {
            return JSON.writeValueAsString(line(inspection, decision));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(Inspection inspection, Decision decision) {
        Line line = line(inspection, decision);
        StringBuilder sb = new StringBuilder(line.file()).append(": ");
        if (line.reason() == null) {
            sb.append("inspected");
        } else {
            sb.append("UNINSPECTABLE (").append(line.reason()).append(')');
        }
        if (line.detail() != null) {
            sb.append(" - ").append(line.detail());
        }
        sb.append(inspection.matched() ? ", " + plural(line.matches().size(), "match") : ", no match");
        for (Match m : inspection.matches()) {
            sb.append(String.format(Locale.ROOT, "%n  %s [%s]%s: %d chars, %.1f%% of the document, %.1f%% of the content",
                    m.documentId(), m.classification(), m.title() == null ? "" : " \"" + m.title() + "\"",
                    m.matchedChars(), 100 * m.documentCoverage(), 100 * m.contentCoverage()));
            for (Passage p : m.passages()) {
                sb.append(String.format(Locale.ROOT, "%n    at %s chars %d-%d", p.part(), p.start(), p.end()));
            }
        }
        if (decision != null) {
            sb.append(String.format(Locale.ROOT, "%n  decision: %s by rule %s (%s, policy revision %s)",
                    decision.action().id().toUpperCase(Locale.ROOT), decision.ruleId(), decision.severity(),
                    decision.policyRevision()));
            if (decision.message() != null) {
                sb.append(String.format(Locale.ROOT, "%n    message: %s", decision.message()));
            }
            for (Decision.SimulatedOutcome s : decision.simulated()) {
                sb.append(String.format(Locale.ROOT, "%n    simulated: rule %s would %s", s.ruleId(), s.action().id()));
            }
        }
        return sb.toString();
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "es");
    }

    private static double round(double v) {
        return Math.round(v * 10000.0) / 10000.0;
    }
}
