package io.sekisho.decide;

import java.util.List;

/**
 * A policy test file ({@code NAME.test.yaml}, next to {@code NAME.yaml}) exactly as written: cases
 * with a note, an input transfer described by its facts (no catalogue and no files needed), and
 * the expected decision.
 */
final class PolicyTestSpec {
    private PolicyTestSpec() {
    }

    record File(String policy, List<Case> cases) {
    }

    record Case(String note, Input input, Expect expect) {
    }

    record Input(String channel, String sender, String client, List<String> to, String url, String at,
                 List<Part> parts) {
    }

    record Part(String name, String declaredType, String type, Long size, String status, String detail, String text,
                List<TestMatch> matches, List<Part> embedded) {
    }

    record TestMatch(String document, String classification, String title, String owner, List<String> tags,
                     Long matchedChars, Double documentCoverage, Double contentCoverage) {
    }

    record Expect(String action, String rule, List<String> simulated) {
    }
}
