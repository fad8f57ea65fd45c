package io.sekisho.decide;

import io.sekisho.extract.ExtractionStatus;
import io.sekisho.inspect.Inspection;
import io.sekisho.transfer.Channel;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.sekisho.decide.Transfers.decide;
import static io.sekisho.decide.Transfers.match;
import static io.sekisho.decide.Transfers.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyEvaluationTest {
    private static final String HEAD = """
            destinations:
              internal: [corp.example]
              partners:
                orbital: [orbital.example]
            releases:
              - id: orb
                tags: [jr-orb]
                to: [orbital]
                until: 2026-03-31
            """;

    private static final Policy POLICY = Transfers.policy(HEAD + """
            rules:
              - id: log-any-match
                when: {catalogued: true}
                action: log
              - id: secret-out
                when:
                  destination: [outside]
                  match: {atLeast: secret}
                action: block
                severity: critical
                message: no
              - id: confidential-out
                when:
                  destination: [outside]
                  match: {classification: [confidential]}
                action: quarantine
              - id: secret-out-again
                when:
                  destination: [outside]
                  match: {atLeast: top-secret}
                action: block
              - id: released
                when:
                  destination: [orbital]
                  match: {released: true}
                action: log
            """);

    @Test
    void theMostSevereActionWinsWhateverTheRuleOrder() {
        Decision d = decide(POLICY, List.of("x@outside.example"), text("a.txt", "", match("doc", "secret")));

        assertThat(d.action()).isEqualTo(Action.BLOCK);
        assertThat(d.ruleId()).isEqualTo("secret-out");
        assertThat(d.severity()).isEqualTo("critical");
        assertThat(d.message()).isEqualTo("no");
        assertThat(d.policyRevision()).isEqualTo(POLICY.revision());
    }

    @Test
    void equallySevereRulesGoToTheOneWrittenFirst() {
        Decision d = decide(POLICY, List.of("x@outside.example"), text("a.txt", "", match("doc", "top-secret")));

        assertThat(d.ruleId()).isEqualTo("secret-out");
    }

    @Test
    void oneRecipientOutsideDecidesForTheWholeMessage() {
        Decision d = decide(POLICY, List.of("y@corp.example", "x@outside.example"), text("a.txt", "", match("doc", "secret")));

        assertThat(d.action()).isEqualTo(Action.BLOCK);
    }

    @Test
    void subdomainsOfAnInternalDomainAreInternal() {
        Decision d = decide(POLICY, List.of("Y@Lab.Corp.Example"), text("a.txt", "", match("doc", "secret")));

        assertThat(d.action()).isEqualTo(Action.LOG);
        assertThat(d.ruleId()).isEqualTo("log-any-match");
    }

    @Test
    void aLookalikeDomainIsNotInternal() {
        Decision d = decide(POLICY, List.of("y@evilcorp.example"), text("a.txt", "", match("doc", "secret")));

        assertThat(d.action()).isEqualTo(Action.BLOCK);
    }

    @Test
    void aReleasedDocumentGoesToThePartnerAndIsBlockedElsewhere() {
        Inspection tagged = text("a.txt", "", match("orb-results", "secret", "jr-orb"));

        assertThat(decide(POLICY, List.of("k@orbital.example"), tagged).action()).isEqualTo(Action.LOG);
        assertThat(decide(POLICY, List.of("k@other.example"), tagged).ruleId()).isEqualTo("secret-out");
    }

    @Test
    void anExpiredReleaseReleasesNothing() {
        Inspection tagged = text("a.txt", "", match("orb-results", "secret", "jr-orb"));
        Instant later = Instant.parse("2026-04-01T00:00:00Z");

        Decision d = POLICY.decide(Transfers.transfer(Channel.SMTP, null, List.of("k@orbital.example"), later, tagged),
                List.of(tagged));

        assertThat(d.ruleId()).isEqualTo("secret-out");
        assertThat(POLICY.expiredReleases(later)).containsEntry("orb", "2026-03-31");
    }

    @Test
    void aReleaseCoversOnlyItsDocumentsNotEverythingInTheMessage() {
        Inspection both = text("a.txt", "", match("orb-results", "secret", "jr-orb"), match("other", "secret"));

        assertThat(decide(POLICY, List.of("k@orbital.example"), both).action()).isEqualTo(Action.BLOCK);
    }

    @Test
    void withNoRuleFiringTheDefaultDecides() {
        Decision d = decide(POLICY, List.of("x@outside.example"), text("a.txt", "hello"));

        assertThat(d.action()).isEqualTo(Action.ALLOW);
        assertThat(d.ruleId()).isEqualTo(Policy.DEFAULT_RULE);
    }

    @Test
    void aSimulatedRuleLogsAndRecordsWhatItWouldHaveDone() {
        Policy policy = Transfers.policy("""
                rules:
                  - id: would-block
                    simulate: true
                    when: {match: {atLeast: secret}}
                    action: block
                    message: blocked
                  - id: quarantine-confidential
                    when: {match: {atLeast: confidential}}
                    action: quarantine
                """);

        Decision secret = decide(policy, List.of("x@o.example"), text("a.txt", "", match("d", "secret")));

        assertThat(secret.action()).as("the enforced quarantine is more severe than the simulated rule's log")
                .isEqualTo(Action.QUARANTINE);
        assertThat(secret.ruleId()).isEqualTo("quarantine-confidential");
        assertThat(secret.simulated()).containsExactly(
                new Decision.SimulatedOutcome("would-block", Action.BLOCK, "high", "blocked"));
    }

    @Test
    void aPolicyInSimulationModeStopsNothing() {
        Policy policy = Transfers.policy("mode: simulate\nrules:\n  - id: b\n    when: {}\n    action: block\n");

        Decision d = decide(policy, List.of("x@o.example"), text("a.txt", ""));

        assertThat(d.action()).isEqualTo(Action.LOG);
        assertThat(d.ruleId()).isEqualTo("b");
        assertThat(d.message()).isNull();
        assertThat(d.simulated()).extracting(Decision.SimulatedOutcome::action).containsExactly(Action.BLOCK);
    }

    @Test
    void partConditionsSeeEmbeddedPartsTheirDetectedTypeStatusAndSize() {
        Policy policy = Transfers.policy("""
                rules:
                  - id: encrypted
                    when: {part: {status: [encrypted]}}
                    action: block
                  - id: big-zip
                    when: {part: {type: ["application/zip"], minSize: 4KB}}
                    action: quarantine
                  - id: any-image
                    when: {part: {type: ["image/*"]}}
                    action: log
                """);

        assertThat(decide(policy, List.of("x@o.example"), Transfers.status("a.zip", "application/zip", ExtractionStatus.ENCRYPTED))
                .ruleId()).isEqualTo("encrypted");
        assertThat(decide(policy, List.of("x@o.example"), Transfers.status("a.zip", "application/zip", ExtractionStatus.COMPLETE))
                .ruleId()).isEqualTo("big-zip");
        assertThat(decide(policy, List.of("x@o.example"), Transfers.status("photo.zip", "image/png", ExtractionStatus.COMPLETE))
                .ruleId()).as("the detected type counts, not the name").isEqualTo("any-image");
    }

    @Test
    void conditionsOnChannelSenderAndCoverage() {
        Policy policy = Transfers.policy("""
                rules:
                  - id: web-upload-by-lab
                    when:
                      channel: [http]
                      sender: ["*@lab.corp.example"]
                      match: {minMatchedChars: 200, minDocumentCoverage: 0.05}
                    action: block
                """);
        Inspection found = text("a.txt", "", match("d", "confidential"));

        Decision web = policy.decide(Transfers.transfer(Channel.HTTP, "Ann@Lab.Corp.Example", List.of("upload.example"),
                Transfers.AT, found), List.of(found));
        Decision mail = policy.decide(Transfers.transfer(Channel.SMTP, "ann@lab.corp.example", List.of("upload.example"),
                Transfers.AT, found), List.of(found));

        assertThat(web.ruleId()).isEqualTo("web-upload-by-lab");
        assertThat(mail.ruleId()).isEqualTo(Policy.DEFAULT_RULE);
    }

    @Test
    void anUnknownClassificationCountsAsTheHighestLevel() {
        Decision d = decide(POLICY, List.of("x@o.example"), text("a.txt", "", match("d", "gokuhi")));

        assertThat(d.ruleId()).isEqualTo("secret-out");
    }

    @Test
    void aTransferWithoutDestinationsIsJudgedAsExternal() {
        assertThat(decide(POLICY, List.of(), text("a.txt", "", match("d", "secret"))).action()).isEqualTo(Action.BLOCK);
    }

    @Test
    void theInspectionsMustMatchTheParts() {
        assertThatThrownBy(() -> POLICY.decide(Transfers.transfer(Channel.SMTP, null, List.of("x@o.example"), Transfers.AT),
                List.of(text("a.txt", "")))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void internalDomainsAddedForATrialMarkTheRevision() {
        Policy trial = POLICY.withInternalDomains(List.of("outside.example"));

        assertThat(decide(trial, List.of("x@outside.example"), text("a.txt", "", match("d", "secret"))).action())
                .isEqualTo(Action.LOG);
        assertThat(trial.revision()).isEqualTo(POLICY.revision() + "+");
    }
}
