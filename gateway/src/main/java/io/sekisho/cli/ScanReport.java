package io.sekisho.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    /** The JSON line: field names are an interface, do not rename them. */
    record Line(String file, String status, String reason, String detail, List<MatchLine> matches) {
    }

    record MatchLine(String documentId, String classification, long matchedChars, double documentCoverage,
                     double contentCoverage, List<Passage> passages) {
    }

    static Line line(Inspection inspection) {
        List<MatchLine> matches = inspection.matches().stream()
                .map(m -> new MatchLine(m.documentId(), m.classification(), m.matchedChars(),
                        round(m.documentCoverage()), round(m.contentCoverage()), m.passages()))
                .toList();
        boolean inspected = inspection.inspected();
        return new Line(inspection.name(),
                inspected ? "inspected" : "uninspectable",
                inspected ? null : inspection.extraction().status().reason(),
                inspection.extraction().detail(),
                matches);
    }

    static String json(Inspection inspection) {
        try {
            return JSON.writeValueAsString(line(inspection));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(Inspection inspection) {
        Line line = line(inspection);
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
        return sb.toString();
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "es");
    }

    private static double round(double v) {
        return Math.round(v * 10000.0) / 10000.0;
    }
}
