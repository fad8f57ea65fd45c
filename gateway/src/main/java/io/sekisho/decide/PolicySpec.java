package io.sekisho.decide;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * A policy file exactly as written, before validation: the YAML binds to these records, and
 * unknown keys fail the binding. {@link PolicyCompiler} turns a spec into a {@link Policy}.
 * The key names are the policy language; {@code policies/README.md} and
 * {@code policies/policy.schema.json} document the same names.
 */
final class PolicySpec {
    private PolicySpec() {
    }

    record File(String policy, String description, String mode, List<String> levels, String timezone,
                Destinations destinations, List<Release> releases, List<Detector> detectors, List<Rule> rules,
                @JsonProperty("default") Outcome defaultOutcome) {
    }

    record Destinations(List<String> internal, Map<String, List<String>> partners) {
    }

    record Release(String id, String note, List<String> documents, List<String> tags, List<String> to, String until) {
    }

    record Detector(String id, String description, List<String> markings, Keywords keywords, String regex,
                    Integer minCount) {
    }

    record Keywords(List<String> words, Integer within, Integer atLeast) {
    }

    record Rule(String id, String description, When when, String action, String severity, String message,
                Boolean simulate) {
    }

    record When(List<String> channel, List<String> sender, List<String> destination, Boolean catalogued,
                MatchCondition match, List<String> detectors, PartCondition part) {
    }

    record MatchCondition(String atLeast, List<String> classification, List<String> documents, List<String> tags,
                          List<String> owners, Long minMatchedChars, Double minDocumentCoverage,
                          Double minContentCoverage, Boolean released) {
    }

    record PartCondition(List<String> type, List<String> status, List<String> name, String minSize) {
    }

    record Outcome(String action, String severity, String message) {
    }
}
