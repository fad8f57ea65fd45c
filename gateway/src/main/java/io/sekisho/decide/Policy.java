package io.sekisho.decide;

import io.sekisho.inspect.Inspection;
import io.sekisho.transfer.Transfer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A validated, immutable policy. Thread-safe; build one with {@link PolicyLoader}.
 *
 * <p>Evaluation order (ADR 0005, {@code policies/README.md}): the rules are evaluated for each
 * destination of the transfer; of the rules that fire, the most severe action wins (allow &lt; log
 * &lt; tempfail &lt; quarantine &lt; block), ties going to the rule written first; a rule in
 * simulation acts as {@code log} and records what it would have done; when no rule fires, the
 * policy's default applies. The transfer gets the most severe of its destinations' decisions:
 * one message gets one decision.
 */
public final class Policy {
    /** The rule id of decisions made by the policy's default. */
    public static final String DEFAULT_RULE = "default";

    private final String name;
    private final String source;
    private final String revision;
    private final List<String> levels;
    private final List<String> internalDomains;
    private final Map<String, List<String>> partners;
    private final List<ReleaseScope> releases;
    private final List<Detector> detectors;
    private final List<Rule> rules;
    private final Rule defaultRule;

    Policy(String name, String source, String revision, List<String> levels, List<String> internalDomains,
           Map<String, List<String>> partners, List<ReleaseScope> releases, List<Detector> detectors,
           List<Rule> rules, Rule defaultRule) {
        this.name = name;
        this.source = source;
        this.revision = revision;
        this.levels = List.copyOf(levels);
        this.internalDomains = List.copyOf(internalDomains);
        this.partners = Map.copyOf(partners);
        this.releases = List.copyOf(releases);
        this.detectors = List.copyOf(detectors);
        this.rules = List.copyOf(rules);
        this.defaultRule = defaultRule;
    }

    /** The one decision for a transfer; {@code inspections} holds one inspection per transfer part, in order. */
    public Decision decide(Transfer transfer, List<Inspection> inspections) {
        TransferFacts facts = new TransferFacts(transfer, inspections, detectors);
        Instant at = transfer.receivedAt();
        Condition.Releases released = (match, destination) ->
                releases.stream().anyMatch(r -> r.releases(match, destination, at));
        Rule winner = null;
        Action winning = null;
        Map<String, Decision.SimulatedOutcome> simulated = new LinkedHashMap<>();
        for (Destination destination : destinations(transfer)) {
            for (Rule rule : rules) {
                if (!rule.fires(facts, destination, released)) {
                    continue;
                }
                Action effective = rule.simulated() ? Action.LOG : rule.action();
                if (rule.simulated()) {
                    simulated.putIfAbsent(rule.id(), new Decision.SimulatedOutcome(rule.id(), rule.action(),
                            rule.severity(), rule.message()));
                }
                if (winner == null || effective.compareTo(winning) > 0
                        || (effective == winning && rule.index() < winner.index())) {
                    winner = rule;
                    winning = effective;
                }
            }
        }
        if (winner == null) {
            return new Decision(defaultRule.action(), DEFAULT_RULE, defaultRule.severity(), defaultRule.message(),
                    revision, List.copyOf(simulated.values()));
        }
        // A simulated rule tells the sender nothing: the transfer goes on, the audit log records it.
        return new Decision(winning, winner.id(), winner.severity(), winner.simulated() ? null : winner.message(),
                revision, List.copyOf(simulated.values()));
    }

    private List<Destination> destinations(Transfer transfer) {
        List<String> addresses = new ArrayList<>(transfer.destinations());
        if (addresses.isEmpty() && transfer.url() != null) {
            addresses.add(transfer.url());
        }
        if (addresses.isEmpty()) {
            // Nobody to judge by is no reason to let it go: an unknown destination is external.
            addresses.add("");
        }
        List<Destination> result = new ArrayList<>(addresses.size());
        for (String address : addresses) {
            result.add(classify(address));
        }
        return result;
    }

    Destination classify(String address) {
        String domain = Destination.domainOf(address);
        boolean internal = !domain.isEmpty() && internalDomains.stream().anyMatch(d -> Destination.within(domain, d));
        Set<String> lists = new HashSet<>();
        partners.forEach((list, domains) -> {
            if (!domain.isEmpty() && domains.stream().anyMatch(d -> Destination.within(domain, d))) {
                lists.add(list);
            }
        });
        return new Destination(address, domain, internal, Set.copyOf(lists));
    }

    /**
     * A copy in which these domains are internal as well: for trying a policy on real files with
     * {@code scan --internal-domain}. The revision stays that of the file, with a {@code +} to show
     * that the policy in use is not exactly the file.
     */
    public Policy withInternalDomains(List<String> domains) {
        if (domains.isEmpty()) {
            return this;
        }
        List<String> all = new ArrayList<>(internalDomains);
        domains.forEach(d -> all.add(Destination.domainOf(d)));
        return new Policy(name, source, revision.endsWith("+") ? revision : revision + "+", levels, all, partners,
                releases, detectors, rules, defaultRule);
    }

    /** The policy's name (its {@code policy} key, else the file name). */
    public String name() {
        return name;
    }

    /** Where it was loaded from, as the user named it. */
    public String source() {
        return source;
    }

    /** The first 12 hex characters of the SHA-256 of the policy file's bytes. */
    public String revision() {
        return revision;
    }

    /** Classification levels, highest first. */
    public List<String> levels() {
        return levels;
    }

    /** Rule ids in evaluation order. */
    public List<String> ruleIds() {
        return rules.stream().map(Rule::id).toList();
    }

    /** Ids of release scopes that no longer release anything at {@code at}, with their last day. */
    public Map<String, String> expiredReleases(Instant at) {
        Map<String, String> expired = new LinkedHashMap<>();
        for (ReleaseScope r : releases) {
            if (r.expiredAt(at)) {
                expired.put(r.id(), r.until().toString());
            }
        }
        return expired;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "policy %s (%s, revision %s, %d rules)", name, source, revision, rules.size());
    }
}
