package io.sekisho.decide;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.sekisho.decide.Transfers.decide;
import static io.sekisho.decide.Transfers.text;
import static org.assertj.core.api.Assertions.assertThat;

class DetectorTest {
    private static final Policy POLICY = Transfers.policy("""
            detectors:
              - id: marking
                markings: ["極秘", "社外秘", "TOP SECRET", "CONFIDENTIAL"]
              - id: project
                keywords: {words: [orbit, coating, emissivity], atLeast: 2, within: 40}
              - id: card
                regex: '\\b\\d{4}-\\d{4}-\\d{4}-\\d{4}\\b'
                minCount: 2
            rules:
              - id: marking
                when: {detectors: [marking]}
                action: log
              - id: project
                when: {detectors: [project]}
                action: quarantine
              - id: cards
                when: {detectors: [card]}
                action: block
            """);

    private static String rule(String content) {
        return decide(POLICY, List.of("x@o.example"), text("a.txt", content)).ruleId();
    }

    @Test
    void japaneseMarkingsAreFoundInsideText() {
        assertThat(rule("【極秘】試作条件")).isEqualTo("marking");
        assertThat(rule("本資料は社外秘です")).isEqualTo("marking");
    }

    @Test
    void latinMarkingsMatchAsWrittenAndAsWholeWords() {
        assertThat(rule("TOP\n  SECRET - do not forward")).isEqualTo("marking");
        assertThat(rule("ＴＯＰ ＳＥＣＲＥＴ")).as("full width").isEqualTo("marking");
        assertThat(rule("our top secret sauce")).as("prose").isEqualTo("default");
        assertThat(rule("CONFIDENTIALITY")).as("not a whole word").isEqualTo("default");
    }

    @Test
    void keywordsMustBeNearEachOther() {
        assertThat(rule("The Orbit team measured the coating yesterday.")).isEqualTo("project");
        assertThat(rule("Orbit " + "x".repeat(100) + " coating")).isEqualTo("default");
        assertThat(rule("orbit orbit orbit")).as("one word repeated is not two words").isEqualTo("default");
    }

    @Test
    void aRegexDetectorCountsOccurrencesAgainstItsMinimum() {
        assertThat(rule("card 1234-5678-9012-3456")).isEqualTo("default");
        assertThat(rule("cards 1234-5678-9012-3456 and 1111-2222-3333-4444")).isEqualTo("cards");
    }

    @Test
    void aPathologicalPatternRunsInLinearTime() {
        Policy policy = Transfers.policy("detectors:\n  - id: evil\n    regex: '(a+)+$'\n"
                + "rules:\n  - id: evil\n    when: {detectors: [evil]}\n    action: log\n");
        String text = "a".repeat(200_000) + "!";
        long start = System.nanoTime();

        Decision d = decide(policy, List.of("x@o.example"), text("a.txt", text));

        assertThat(d.ruleId()).isEqualTo("default");
        assertThat((System.nanoTime() - start) / 1_000_000).as("milliseconds").isLessThan(5_000);
    }
}
