package io.sekisho.decide;

import io.sekisho.extract.ExtractedPart;
import io.sekisho.extract.ExtractionResult;
import io.sekisho.extract.ExtractionStatus;
import io.sekisho.inspect.Inspection;
import io.sekisho.match.Match;
import io.sekisho.transfer.Channel;
import io.sekisho.transfer.Transfer;
import io.sekisho.transfer.TransferPart;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs a policy's tests-as-data: each case's input is turned into the same plain types the gateway
 * hands the policy (a {@link Transfer} and one {@link Inspection} per part), decided, and compared
 * with the expected action, rule and simulated rules.
 */
public final class PolicyTestRunner {
    /** When a case does not say when it was sent. Fixed, so that a test never starts failing with the calendar. */
    public static final Instant DEFAULT_AT = Instant.parse("2026-01-15T00:00:00Z");
    /** Matched characters assumed when a case does not say: the length found with certainty. */
    public static final long DEFAULT_MATCHED_CHARS = 120;

    private final PolicyLoader loader;

    public PolicyTestRunner(PolicyLoader loader) {
        this.loader = Objects.requireNonNull(loader, "loader");
    }

    /** The outcome of one case: what was expected, what the policy decided, and whether they agree. */
    public record CaseResult(String note, String expected, Decision actual, boolean passed) {
    }

    /** The outcome of one test file against its policy. */
    public record FileResult(String testFile, Policy policy, List<CaseResult> cases) {
        public long failures() {
            return cases.stream().filter(c -> !c.passed()).count();
        }
    }

    /** Policy tests are named {@code NAME.test.yaml} and test {@code NAME.yaml} beside them (or their {@code policy} key's file). */
    public static boolean isTestFile(Path file) {
        return file.getFileName().toString().endsWith(".test.yaml");
    }

    /**
     * Loads a test file and its policy and runs every case.
     *
     * @throws PolicyException when the test file or its policy is invalid (nothing is run then)
     */
    public FileResult run(Path testFile) {
        byte[] bytes = read(testFile);
        YamlDocument.Bound<PolicyTestSpec.File> bound = YamlDocument.bind(testFile.toString(), bytes, PolicyTestSpec.File.class);
        PolicyTestSpec.File spec = bound.value();
        YamlDocument.Problems problems = new YamlDocument.Problems(bound.document());
        String fileName = testFile.getFileName().toString();
        String policyName = spec.policy() != null ? spec.policy()
                : fileName.substring(0, fileName.length() - ".test.yaml".length()) + ".yaml";
        Path policyFile = testFile.resolveSibling(policyName);
        if (!Files.exists(policyFile)) {
            problems.add("/policy", "the policy " + policyFile + " does not exist");
            problems.throwIfAny();
        }
        Policy policy = loader.load(policyFile);
        List<Built> built = new ArrayList<>();
        if (spec.cases() == null || spec.cases().isEmpty()) {
            problems.add("/cases", "a test file needs at least one case");
        }
        for (int i = 0; spec.cases() != null && i < spec.cases().size(); i++) {
            built.add(build(spec.cases().get(i), "/cases/" + i, policy, problems));
        }
        problems.throwIfAny();
        List<CaseResult> results = new ArrayList<>();
        for (Built b : built) {
            Decision decision = policy.decide(b.transfer, b.inspections);
            results.add(new CaseResult(b.testCase.note(), expected(b.testCase.expect()), decision,
                    agrees(b.testCase.expect(), decision)));
        }
        return new FileResult(testFile.toString(), policy, results);
    }

    private record Built(PolicyTestSpec.Case testCase, Transfer transfer, List<Inspection> inspections) {
    }

    private static boolean agrees(PolicyTestSpec.Expect expect, Decision decision) {
        return (expect.action() == null || Action.of(expect.action()) == decision.action())
                && (expect.rule() == null || expect.rule().equals(decision.ruleId()))
                && (expect.simulated() == null || expect.simulated().equals(
                decision.simulated().stream().map(Decision.SimulatedOutcome::ruleId).toList()));
    }

    private static String expected(PolicyTestSpec.Expect expect) {
        StringBuilder sb = new StringBuilder(expect.action() == null ? "any action" : expect.action());
        if (expect.rule() != null) {
            sb.append(" by ").append(expect.rule());
        }
        if (expect.simulated() != null) {
            sb.append(", simulated ").append(expect.simulated());
        }
        return sb.toString();
    }

    private Built build(PolicyTestSpec.Case c, String at, Policy policy, YamlDocument.Problems problems) {
        if (c.note() == null || c.note().isBlank()) {
            problems.add(at, "a case needs a 'note' saying what it shows");
        }
        if (c.expect() == null || (c.expect().action() == null && c.expect().rule() == null)) {
            problems.add(at, "a case needs 'expect' with an 'action', a 'rule', or both");
        } else {
            if (c.expect().action() != null) {
                try {
                    Action.of(c.expect().action());
                } catch (IllegalArgumentException e) {
                    problems.add(at + "/expect/action", e.getMessage());
                }
            }
            String rule = c.expect().rule();
            if (rule != null && !rule.equals(Policy.DEFAULT_RULE) && !policy.ruleIds().contains(rule)) {
                problems.add(at + "/expect/rule", "the policy has no rule '" + rule + "' (rules: "
                        + String.join(", ", policy.ruleIds()) + ", default)");
            }
        }
        PolicyTestSpec.Input in = c.input();
        if (in == null) {
            problems.add(at, "a case needs an 'input'");
            return new Built(c, null, null);
        }
        Channel channel = Channel.SMTP;
        if (in.channel() != null) {
            try {
                channel = Channel.of(in.channel());
            } catch (IllegalArgumentException e) {
                problems.add(at + "/input/channel", e.getMessage());
            }
        }
        Instant when = at(in.at(), at + "/input/at", problems);
        List<TransferPart> parts = new ArrayList<>();
        List<Inspection> inspections = new ArrayList<>();
        List<PolicyTestSpec.Part> specParts = in.parts() == null ? List.of() : in.parts();
        for (int i = 0; i < specParts.size(); i++) {
            PolicyTestSpec.Part p = specParts.get(i);
            String pat = at + "/input/parts/" + i;
            String name = p.name() == null ? "part-" + (i + 1) : p.name();
            List<ExtractedPart> extracted = new ArrayList<>();
            List<Match> matches = new ArrayList<>();
            addPart(p, name, pat, extracted, matches, problems);
            long size = p.size() != null ? p.size() : p.text() == null ? 0 : p.text().getBytes(StandardCharsets.UTF_8).length;
            parts.add(new TransferPart(name, p.declaredType(), size, null, Path.of(name)));
            inspections.add(new Inspection(name, ExtractionResult.of(extracted), matches));
        }
        Transfer transfer = new Transfer("test", channel, when, in.sender(), in.client(),
                in.to() == null ? List.of() : in.to(), in.url(), parts);
        return new Built(c, transfer, inspections);
    }

    private static void addPart(PolicyTestSpec.Part p, String path, String at, List<ExtractedPart> extracted,
                                List<Match> matches, YamlDocument.Problems problems) {
        ExtractionStatus status = ExtractionStatus.COMPLETE;
        if (p.status() != null) {
            status = null;
            for (ExtractionStatus s : ExtractionStatus.values()) {
                if (s.reason().equals(p.status())) {
                    status = s;
                }
            }
            if (status == null) {
                problems.add(at + "/status", "unknown status '" + p.status() + "' (complete, unsupported, truncated, "
                        + "failed, timed-out, encrypted)");
                status = ExtractionStatus.FAILED;
            }
        }
        String type = p.type() != null ? p.type() : p.text() != null ? "text/plain" : "application/octet-stream";
        long size = p.size() != null ? p.size() : p.text() == null ? -1 : p.text().getBytes(StandardCharsets.UTF_8).length;
        extracted.add(new ExtractedPart(path, type, size, status, p.detail(), p.text()));
        List<PolicyTestSpec.TestMatch> specMatches = p.matches() == null ? List.of() : p.matches();
        for (int j = 0; j < specMatches.size(); j++) {
            PolicyTestSpec.TestMatch m = specMatches.get(j);
            if (m.document() == null || m.classification() == null) {
                problems.add(at + "/matches/" + j, "a match needs 'document' and 'classification'");
                continue;
            }
            matches.add(new Match(m.document(), m.classification(), m.title(), m.owner(),
                    m.matchedChars() == null ? DEFAULT_MATCHED_CHARS : m.matchedChars(),
                    m.documentCoverage() == null ? 0 : m.documentCoverage(),
                    m.contentCoverage() == null ? 0 : m.contentCoverage(), List.of(), m.tags()));
        }
        List<PolicyTestSpec.Part> embedded = p.embedded() == null ? List.of() : p.embedded();
        for (int j = 0; j < embedded.size(); j++) {
            PolicyTestSpec.Part e = embedded.get(j);
            String name = e.name() == null ? "embedded-" + (j + 1) : e.name();
            addPart(e, path + "!/" + name, at + "/embedded/" + j, extracted, matches, problems);
        }
    }

    private static Instant at(String at, String pointer, YamlDocument.Problems problems) {
        if (at == null) {
            return DEFAULT_AT;
        }
        try {
            return at.length() == 10 ? LocalDate.parse(at).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(at);
        } catch (DateTimeParseException e) {
            problems.add(pointer, "'" + at + "' is neither a date (yyyy-mm-dd) nor an instant (2026-01-15T09:00:00Z)");
            return DEFAULT_AT;
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new PolicyException(List.of(new PolicyProblem(file.toString(), 1, "(file)", "cannot read: " + e.getMessage())));
        }
    }
}
