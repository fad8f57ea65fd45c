package io.sekisho.decide;

import io.sekisho.extract.ExtractedPart;
import io.sekisho.extract.ExtractionResult;
import io.sekisho.extract.ExtractionStatus;
import io.sekisho.inspect.Inspection;
import io.sekisho.match.Match;
import io.sekisho.transfer.Channel;
import io.sekisho.transfer.Transfer;
import io.sekisho.transfer.TransferPart;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Small builders for the plain types a policy decides on. */
final class Transfers {
    static final Instant AT = Instant.parse("2026-01-15T00:00:00Z");

    private Transfers() {
    }

    static Policy policy(String yaml) {
        return new PolicyLoader().parse("test.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    static Match match(String id, String classification, String... tags) {
        return new Match(id, classification, null, null, 300, 0.1, 0.5, List.of(), List.of(tags));
    }

    static Inspection text(String name, String text, Match... matches) {
        ExtractedPart part = new ExtractedPart(name, "text/plain", text.length(), ExtractionStatus.COMPLETE, null, text);
        return new Inspection(name, ExtractionResult.of(List.of(part)), List.of(matches));
    }

    static Inspection status(String name, String type, ExtractionStatus status) {
        ExtractedPart outer = new ExtractedPart(name, type, 5000, ExtractionStatus.COMPLETE, null, "");
        ExtractedPart inner = new ExtractedPart(name + "!/inner", "application/pdf", -1, status, "why", "");
        return new Inspection(name, ExtractionResult.of(List.of(outer, inner)), List.of());
    }

    static Decision decide(Policy policy, List<String> to, Inspection... inspections) {
        return policy.decide(transfer(Channel.SMTP, "a@corp.example", to, AT, inspections), List.of(inspections));
    }

    static Transfer transfer(Channel channel, String sender, List<String> to, Instant at, Inspection... inspections) {
        List<TransferPart> parts = java.util.Arrays.stream(inspections)
                .map(i -> new TransferPart(i.name(), null, 5000, null, Path.of(i.name()))).toList();
        return new Transfer("t-1", channel, at, sender, "192.0.2.1", to, null, parts);
    }
}
