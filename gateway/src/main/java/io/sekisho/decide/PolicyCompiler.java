package io.sekisho.decide;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.sekisho.extract.ExtractionStatus;
import io.sekisho.match.Match;
import io.sekisho.transfer.Channel;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Validates a {@link PolicySpec.File} completely and compiles it into a {@link Policy}. Every
 * problem is collected with its location before anything is built, so a policy is either wholly
 * usable or not loaded at all.
 */
final class PolicyCompiler {
    static final List<String> DEFAULT_LEVELS = List.of("top-secret", "secret", "confidential");
    static final List<String> SEVERITIES = List.of("info", "low", "medium", "high", "critical");
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final java.util.regex.Pattern DOMAIN =
            java.util.regex.Pattern.compile("(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\\.)+[a-z0-9-]+");
    private static final java.util.regex.Pattern SIZE = java.util.regex.Pattern.compile("(\\d+)\\s*(B|KB|MB|GB)?",
            java.util.regex.Pattern.CASE_INSENSITIVE);
    private static final Set<String> STATUSES = statuses();

    private final YamlDocument document;
    private final YamlDocument.Problems problems;
    private final String revision;
    private final List<String> catalogueLevels;
    private List<String> levels = DEFAULT_LEVELS;
    private final Map<String, List<String>> partners = new LinkedHashMap<>();
    private final Set<String> detectorIds = new HashSet<>();

    PolicyCompiler(YamlDocument document, String revision, List<String> catalogueLevels) {
        this.document = document;
        this.problems = new YamlDocument.Problems(document);
        this.revision = revision;
        this.catalogueLevels = catalogueLevels;
    }

    Policy compile(PolicySpec.File spec) {
        String name = spec.policy() == null ? defaultName() : spec.policy();
        boolean simulate = mode(spec.mode());
        levels(spec.levels());
        ZoneId zone = zone(spec.timezone());
        List<String> internal = destinations(spec.destinations());
        List<ReleaseScope> releases = releases(spec.releases(), zone);
        List<Detector> detectors = detectors(spec.detectors());
        List<Rule> rules = rules(spec.rules(), simulate);
        Rule defaultRule = defaultRule(spec.defaultOutcome());
        problems.throwIfAny();
        return new Policy(name, document.file(), revision, levels, internal, partners, releases, detectors, rules,
                defaultRule);
    }

    private String defaultName() {
        String file = java.nio.file.Path.of(document.file()).getFileName().toString();
        return file.endsWith(".yaml") ? file.substring(0, file.length() - 5) : file;
    }

    private boolean mode(String mode) {
        if (mode == null || mode.equals("enforce")) {
            return false;
        }
        if (mode.equals("simulate")) {
            return true;
        }
        problems.add("/mode", "unknown mode '" + mode + "' (enforce or simulate)");
        return false;
    }

    private void levels(List<String> declared) {
        if (catalogueLevels != null) {
            levels = List.copyOf(catalogueLevels);
            if (declared != null && !declared.equals(catalogueLevels)) {
                problems.add("/levels", "the policy's levels " + declared + " differ from the catalogue's "
                        + catalogueLevels + " (leave 'levels' out to use the catalogue's)");
            }
            return;
        }
        if (declared == null) {
            return;
        }
        if (declared.isEmpty()) {
            problems.add("/levels", "at least one level is required (highest first)");
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < declared.size(); i++) {
            String level = declared.get(i);
            if (level == null || !NAME.matcher(level).matches()) {
                problems.add("/levels/" + i, "'" + level + "' is not a level name (lower-case letters, digits, '-', '_')");
            } else if (!seen.add(level)) {
                problems.add("/levels/" + i, "'" + level + "' is listed twice");
            }
        }
        levels = List.copyOf(declared);
    }

    private ZoneId zone(String timezone) {
        if (timezone == null) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(timezone);
        } catch (DateTimeException e) {
            problems.add("/timezone", "unknown time zone '" + timezone + "' (for example UTC or Asia/Tokyo)");
            return ZoneOffset.UTC;
        }
    }

    private List<String> destinations(PolicySpec.Destinations spec) {
        List<String> internal = new ArrayList<>();
        if (spec == null) {
            return internal;
        }
        internal.addAll(domains(spec.internal(), "/destinations/internal"));
        if (spec.partners() != null) {
            spec.partners().forEach((list, domains) -> {
                String at = "/destinations/partners/" + list;
                if (!NAME.matcher(list).matches()) {
                    problems.add(at, "'" + list + "' is not a partner list name (lower-case letters, digits, '.', '-', '_')");
                } else if (Destination.CLASSES.contains(list)) {
                    problems.add(at, "'" + list + "' is a destination class; name the partner list otherwise");
                }
                if (domains == null || domains.isEmpty()) {
                    problems.add(at, "a partner list needs at least one domain");
                }
                partners.put(list, domains(domains, at));
            });
        }
        return internal;
    }

    private List<String> domains(List<String> domains, String at) {
        List<String> result = new ArrayList<>();
        if (domains == null) {
            return result;
        }
        for (int i = 0; i < domains.size(); i++) {
            String d = domains.get(i) == null ? "" : domains.get(i).strip().toLowerCase(Locale.ROOT);
            if (!DOMAIN.matcher(d).matches()) {
                problems.add(at + "/" + i, "'" + domains.get(i) + "' is not a domain name (like example.co.jp)");
            } else {
                result.add(d);
            }
        }
        return result;
    }

    private List<ReleaseScope> releases(List<PolicySpec.Release> specs, ZoneId zone) {
        List<ReleaseScope> result = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; specs != null && i < specs.size(); i++) {
            PolicySpec.Release r = specs.get(i);
            String at = "/releases/" + i;
            id(r.id(), at, ids, "release");
            Set<String> documents = r.documents() == null ? Set.of() : Set.copyOf(r.documents());
            Set<String> tags = r.tags() == null ? Set.of() : Set.copyOf(r.tags());
            if (documents.isEmpty() && tags.isEmpty()) {
                problems.add(at, "a release names 'documents' or 'tags' (or both)");
            }
            List<String> domains = new ArrayList<>();
            if (r.to() == null || r.to().isEmpty()) {
                problems.add(at + "/to", "a release names where it releases to: partner list names or domains");
            } else {
                for (int j = 0; j < r.to().size(); j++) {
                    String to = r.to().get(j) == null ? "" : r.to().get(j).strip().toLowerCase(Locale.ROOT);
                    if (partners.containsKey(to)) {
                        domains.addAll(partners.get(to));
                    } else if (to.contains(".") && DOMAIN.matcher(to).matches()) {
                        domains.add(to);
                    } else {
                        problems.add(at + "/to/" + j, "'" + r.to().get(j) + "' is neither a partner list ("
                                + String.join(", ", partners.keySet()) + ") nor a domain");
                    }
                }
            }
            LocalDate until = null;
            if (r.until() == null) {
                problems.add(at, "a release needs 'until', its last day (yyyy-mm-dd): releases do not last forever");
            } else {
                try {
                    until = LocalDate.parse(r.until());
                } catch (DateTimeParseException e) {
                    problems.add(at + "/until", "'" + r.until() + "' is not a date (yyyy-mm-dd)");
                }
            }
            if (until != null) {
                result.add(new ReleaseScope(r.id(), documents, tags, domains, until, zone));
            }
        }
        return result;
    }

    private List<Detector> detectors(List<PolicySpec.Detector> specs) {
        List<Detector> result = new ArrayList<>();
        for (int i = 0; specs != null && i < specs.size(); i++) {
            PolicySpec.Detector d = specs.get(i);
            String at = "/detectors/" + i;
            id(d.id(), at, detectorIds, "detector");
            int minCount = d.minCount() == null ? 1 : d.minCount();
            if (minCount < 1) {
                problems.add(at + "/minCount", "must be at least 1");
            }
            int kinds = (d.markings() == null ? 0 : 1) + (d.keywords() == null ? 0 : 1) + (d.regex() == null ? 0 : 1);
            if (kinds != 1) {
                problems.add(at, "a detector has exactly one of 'markings', 'keywords' or 'regex'");
                continue;
            }
            if (d.markings() != null) {
                if (nonBlank(d.markings(), at + "/markings")) {
                    result.add(MarkingDetector.of(d.id(), minCount, d.markings()));
                }
            } else if (d.keywords() != null) {
                PolicySpec.Keywords k = d.keywords();
                boolean ok = nonBlank(k.words(), at + "/keywords/words");
                if (k.within() != null && k.within() < 1) {
                    problems.add(at + "/keywords/within", "must be at least 1 (characters)");
                    ok = false;
                }
                if (ok && k.atLeast() != null && (k.atLeast() < 1 || k.atLeast() > k.words().size())) {
                    problems.add(at + "/keywords/atLeast", "must be between 1 and the number of words ("
                            + k.words().size() + ")");
                    ok = false;
                }
                if (ok) {
                    result.add(KeywordDetector.of(d.id(), minCount, k.words(), k.within(), k.atLeast()));
                }
            } else {
                Pattern pattern = regex(d.regex(), at + "/regex");
                if (pattern != null) {
                    result.add(new RegexDetector(d.id(), minCount, pattern));
                }
            }
        }
        return result;
    }

    private boolean nonBlank(List<String> values, String at) {
        if (values == null || values.isEmpty()) {
            problems.add(at, "needs at least one entry");
            return false;
        }
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null || values.get(i).isBlank()) {
                problems.add(at + "/" + i, "must not be empty");
                return false;
            }
        }
        return true;
    }

    /**
     * RE2/J runs in time linear in the text, which is why it cannot offer backreferences or
     * lookaround; they are named here rather than left to the engine's terser message.
     */
    private Pattern regex(String regex, String at) {
        if (regex.isEmpty()) {
            problems.add(at, "must not be empty");
            return null;
        }
        String unsupported = unsupportedConstruct(regex);
        if (unsupported != null) {
            problems.add(at, unsupported + " not supported: policy regexes run on RE2/J, which matches in linear "
                    + "time so that no pattern can hang the gateway; rewrite the pattern without it");
            return null;
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            problems.add(at, "the regex engine (RE2/J) rejects it: " + e.getDescription()
                    + (e.getPattern() == null || e.getPattern().isEmpty() ? "" : " at '" + e.getPattern() + "'"));
            return null;
        }
    }

    static String unsupportedConstruct(String regex) {
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length()) {
                char next = regex.charAt(i + 1);
                if (next >= '1' && next <= '9') {
                    return "backreferences (\\" + next + ") are";
                }
                if (next == 'k' && i + 2 < regex.length() && (regex.charAt(i + 2) == '<' || regex.charAt(i + 2) == '{'
                        || regex.charAt(i + 2) == '\'')) {
                    return "named backreferences (\\k<name>) are";
                }
                i++;
            } else if (c == '(' && regex.startsWith("(?P=", i)) {
                return "named backreferences ((?P=name)) are";
            } else if (c == '(' && (regex.startsWith("(?=", i) || regex.startsWith("(?!", i)
                    || regex.startsWith("(?<=", i) || regex.startsWith("(?<!", i))) {
                return "lookaround ((?=, (?!, (?<=, (?<!) is";
            }
        }
        return null;
    }

    private List<Rule> rules(List<PolicySpec.Rule> specs, boolean simulateAll) {
        List<Rule> result = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        ids.add(Policy.DEFAULT_RULE);
        if (specs == null || specs.isEmpty()) {
            problems.add("/rules", "a policy needs at least one rule");
            return result;
        }
        for (int i = 0; i < specs.size(); i++) {
            PolicySpec.Rule r = specs.get(i);
            String at = "/rules/" + i;
            id(r.id(), at, ids, "rule");
            Action action = action(r.action(), at + "/action", null);
            String severity = severity(r.severity(), at + "/severity", action);
            List<Condition> conditions = r.when() == null ? null : conditions(r.when(), at + "/when");
            if (r.when() == null) {
                problems.add(at, "a rule needs 'when' (write 'when: {}' for a rule that always fires)");
            }
            if (action != null && conditions != null) {
                String message = r.message() == null ? defaultMessage(action, r.id()) : r.message();
                boolean simulated = simulateAll || Boolean.TRUE.equals(r.simulate());
                result.add(new Rule(r.id(), i, conditions, action, severity, message, simulated));
            }
        }
        return result;
    }

    private Rule defaultRule(PolicySpec.Outcome spec) {
        if (spec == null) {
            return new Rule(Policy.DEFAULT_RULE, Integer.MAX_VALUE, List.of(), Action.ALLOW, "info", null, false);
        }
        Action action = action(spec.action(), "/default/action", Action.ALLOW);
        String severity = severity(spec.severity(), "/default/severity", action);
        String message = spec.message() == null && action != null && action.stops()
                ? defaultMessage(action, Policy.DEFAULT_RULE) : spec.message();
        return new Rule(Policy.DEFAULT_RULE, Integer.MAX_VALUE, List.of(), action == null ? Action.ALLOW : action,
                severity, message, false);
    }

    private static String defaultMessage(Action action, String ruleId) {
        return switch (action) {
            case BLOCK -> "Blocked by the data-leak policy (rule " + ruleId + ").";
            case QUARANTINE -> "Held for review by the security team (rule " + ruleId + ").";
            case TEMPFAIL -> "Could not be checked now; please try again later (rule " + ruleId + ").";
            default -> null;
        };
    }

    private Action action(String action, String at, Action fallback) {
        if (action == null) {
            if (fallback == null) {
                problems.add(at, "required: allow, log, tempfail, quarantine or block");
            }
            return fallback;
        }
        try {
            return Action.of(action);
        } catch (IllegalArgumentException e) {
            problems.add(at, e.getMessage());
            return null;
        }
    }

    private String severity(String severity, String at, Action action) {
        if (severity == null) {
            if (action == null) {
                return "info";
            }
            return switch (action) {
                case ALLOW -> "info";
                case LOG -> "low";
                case TEMPFAIL -> "medium";
                case QUARANTINE, BLOCK -> "high";
            };
        }
        if (!SEVERITIES.contains(severity)) {
            problems.add(at, "unknown severity '" + severity + "' (" + String.join(", ", SEVERITIES) + ")");
        }
        return severity;
    }

    private void id(String id, String at, Set<String> seen, String what) {
        if (id == null) {
            problems.add(at, "a " + what + " needs an 'id'");
        } else if (!NAME.matcher(id).matches()) {
            problems.add(at + "/id", "'" + id + "' is not a valid " + what + " id (lower-case letters, digits, '.', '-', '_')");
        } else if (!seen.add(id)) {
            problems.add(at + "/id", "'" + id + "' is "
                    + (id.equals(Policy.DEFAULT_RULE) ? "reserved for the policy's default" : "used twice"));
        }
    }

    private List<Condition> conditions(PolicySpec.When when, String at) {
        List<Condition> conditions = new ArrayList<>();
        if (when.channel() != null) {
            Set<Channel> channels = new HashSet<>();
            for (int i = 0; i < when.channel().size(); i++) {
                try {
                    channels.add(Channel.of(String.valueOf(when.channel().get(i))));
                } catch (IllegalArgumentException e) {
                    problems.add(at + "/channel/" + i, e.getMessage());
                }
            }
            conditions.add((facts, destination, releases) -> channels.contains(facts.transfer.channel()));
        }
        if (when.sender() != null) {
            List<Glob> senders = when.sender().stream().map(s -> new Glob(String.valueOf(s))).toList();
            conditions.add((facts, destination, releases) -> senders.stream().anyMatch(g -> g.matches(facts.sender)));
        }
        if (when.destination() != null) {
            List<String> classes = new ArrayList<>();
            for (int i = 0; i < when.destination().size(); i++) {
                String c = String.valueOf(when.destination().get(i));
                if (!Destination.CLASSES.contains(c) && !partners.containsKey(c)) {
                    problems.add(at + "/destination/" + i, "unknown destination class '" + c + "' (internal, external, "
                            + "partner, outside" + (partners.isEmpty() ? "" : ", or a partner list: "
                            + String.join(", ", partners.keySet())) + ")");
                }
                classes.add(c);
            }
            conditions.add((facts, destination, releases) -> classes.stream().anyMatch(destination::is));
        }
        if (when.catalogued() != null) {
            boolean wanted = when.catalogued();
            conditions.add((facts, destination, releases) -> facts.matches.isEmpty() != wanted);
        }
        if (when.detectors() != null) {
            List<String> ids = when.detectors();
            for (int i = 0; i < ids.size(); i++) {
                if (!detectorIds.contains(ids.get(i))) {
                    problems.add(at + "/detectors/" + i, "no detector with id '" + ids.get(i) + "' is defined");
                }
            }
            conditions.add((facts, destination, releases) -> ids.stream().anyMatch(facts.firedDetectors::contains));
        }
        if (when.match() != null) {
            conditions.add(matchCondition(when.match(), at + "/match"));
        }
        if (when.part() != null) {
            conditions.add(partCondition(when.part(), at + "/part"));
        }
        return conditions;
    }

    private Condition matchCondition(PolicySpec.MatchCondition m, String at) {
        List<String> levelsNow = levels;
        int atLeast = m.atLeast() == null ? Integer.MAX_VALUE : level(m.atLeast(), at + "/atLeast");
        Set<String> exact = new HashSet<>();
        for (int i = 0; m.classification() != null && i < m.classification().size(); i++) {
            level(m.classification().get(i), at + "/classification/" + i);
            exact.add(m.classification().get(i));
        }
        coverage(m.minDocumentCoverage(), at + "/minDocumentCoverage");
        coverage(m.minContentCoverage(), at + "/minContentCoverage");
        if (m.minMatchedChars() != null && m.minMatchedChars() < 0) {
            problems.add(at + "/minMatchedChars", "must not be negative");
        }
        boolean released = Boolean.TRUE.equals(m.released());
        return (facts, destination, releases) -> {
            for (Match match : facts.matches) {
                if (releases.released(match, destination) != released) {
                    continue;
                }
                if (m.atLeast() != null && rank(levelsNow, match.classification()) > atLeast) {
                    continue;
                }
                if (m.classification() != null && !exact.contains(match.classification())) {
                    continue;
                }
                if (m.documents() != null && !m.documents().contains(match.documentId())) {
                    continue;
                }
                if (m.tags() != null && match.tags().stream().noneMatch(m.tags()::contains)) {
                    continue;
                }
                if (m.owners() != null && !m.owners().contains(match.owner())) {
                    continue;
                }
                if (m.minMatchedChars() != null && match.matchedChars() < m.minMatchedChars()) {
                    continue;
                }
                if (m.minDocumentCoverage() != null && match.documentCoverage() < m.minDocumentCoverage()) {
                    continue;
                }
                if (m.minContentCoverage() != null && match.contentCoverage() < m.minContentCoverage()) {
                    continue;
                }
                return true;
            }
            return false;
        };
    }

    /** A classification the levels do not know ranks highest: an unknown level is no reason to let it go. */
    private static int rank(List<String> levels, String classification) {
        int i = levels.indexOf(classification);
        return i < 0 ? 0 : i;
    }

    private int level(String level, String at) {
        int i = levels.indexOf(level);
        if (i < 0) {
            problems.add(at, "unknown level '" + level + "' (levels, highest first: " + String.join(" > ", levels) + ")");
            return Integer.MAX_VALUE;
        }
        return i;
    }

    private void coverage(Double value, String at) {
        if (value != null && (value < 0 || value > 1)) {
            problems.add(at, "a coverage is a share between 0 and 1, was " + value);
        }
    }

    private Condition partCondition(PolicySpec.PartCondition p, String at) {
        List<Glob> types = p.type() == null ? null : p.type().stream().map(Glob::new).toList();
        List<Glob> names = p.name() == null ? null : p.name().stream().map(Glob::new).toList();
        Set<String> statuses = null;
        if (p.status() != null) {
            statuses = new HashSet<>();
            for (int i = 0; i < p.status().size(); i++) {
                String s = p.status().get(i);
                if (!STATUSES.contains(s)) {
                    problems.add(at + "/status/" + i, "unknown status '" + s + "' (" + String.join(", ", STATUSES.stream().sorted().toList()) + ")");
                }
                statuses.add(s);
            }
        }
        long minSize = p.minSize() == null ? -1 : size(p.minSize(), at + "/minSize");
        Set<String> wanted = statuses;
        return (facts, destination, releases) -> facts.parts.stream().anyMatch(part ->
                (types == null || types.stream().anyMatch(g -> g.matches(part.type())))
                        && (names == null || names.stream().anyMatch(g -> g.matches(part.name()) || g.matches(part.path())))
                        && (wanted == null || wanted.contains(part.status().reason())
                        || (wanted.contains("uninspectable") && !part.status().isComplete()))
                        && (minSize < 0 || part.size() >= minSize));
    }

    private long size(String size, String at) {
        Matcher m = SIZE.matcher(size.strip());
        if (!m.matches()) {
            problems.add(at, "'" + size + "' is not a size (bytes, or a number with KB, MB or GB)");
            return -1;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        return switch (unit) {
            case "KB" -> n * 1024;
            case "MB" -> n * 1024 * 1024;
            case "GB" -> n * 1024 * 1024 * 1024;
            default -> n;
        };
    }

    private static Set<String> statuses() {
        Set<String> s = new HashSet<>();
        for (ExtractionStatus status : ExtractionStatus.values()) {
            s.add(status.reason());
        }
        s.add("uninspectable");
        return Set.copyOf(s);
    }
}
