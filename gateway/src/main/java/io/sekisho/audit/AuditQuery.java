package io.sekisho.audit;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What an auditor looks for. Every criterion is optional; all given ones must hold. Decision
 * records are searched; administrative records are included only when no criterion about a
 * transfer's content is given (only a time range). Checkpoints are never results.
 *
 * <p>Addresses compare without case; a value starting with {@code @} matches a whole domain.
 *
 * @param since          records at or after this time, or null
 * @param until          records before this time, or null
 * @param actions        decision actions ({@code block}, {@code quarantine}, ...), empty for any
 * @param classification a match with this classification, or null
 * @param sender         the sender or user, or null
 * @param destination    one of the destinations, or null
 * @param document       a match with this catalogue document id, or null
 */
public record AuditQuery(Instant since, Instant until, Set<String> actions, String classification, String sender,
                         String destination, String document) implements Predicate<StoredRecord> {
    public AuditQuery {
        actions = actions == null ? Set.of() : Set.copyOf(actions);
    }

    public static AuditQuery all() {
        return new AuditQuery(null, null, Set.of(), null, null, null, null);
    }

    @Override
    public boolean test(StoredRecord r) {
        if ("checkpoint".equals(r.type())) {
            return false;
        }
        Instant t = r.time();
        if (since != null && t.isBefore(since) || until != null && !t.isBefore(until)) {
            return false;
        }
        boolean aboutContent = !actions.isEmpty() || classification != null || sender != null || destination != null
                || document != null;
        if ("admin".equals(r.type())) {
            return !aboutContent;
        }
        JsonNode j = r.json();
        return (actions.isEmpty() || actions.contains(j.path("action").asText()))
                && (sender == null || address(j.path("sender").asText(null), sender))
                && (destination == null || any(j.path("destinations"), d -> address(d.asText(), destination)))
                && (classification == null || any(j.path("matches"), m -> classification.equals(m.path("classification").asText())))
                && (document == null || any(j.path("matches"), m -> document.equals(m.path("documentId").asText())));
    }

    private static boolean any(JsonNode array, Predicate<JsonNode> p) {
        for (JsonNode n : array) {
            if (p.test(n)) {
                return true;
            }
        }
        return false;
    }

    private static boolean address(String value, String wanted) {
        if (value == null) {
            return false;
        }
        String v = value.toLowerCase(Locale.ROOT);
        String w = wanted.toLowerCase(Locale.ROOT);
        return w.startsWith("@") ? v.endsWith(w) : v.equals(w);
    }
}
