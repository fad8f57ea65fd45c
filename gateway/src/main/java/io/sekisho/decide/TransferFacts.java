package io.sekisho.decide;

import io.sekisho.extract.ExtractedPart;
import io.sekisho.extract.ExtractionStatus;
import io.sekisho.inspect.Inspection;
import io.sekisho.match.Match;
import io.sekisho.transfer.Transfer;
import io.sekisho.transfer.TransferPart;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a policy sees of one transfer, computed once before the rules run: the parts (the files
 * sent and everything embedded in them), the catalogue matches, and which detectors fired.
 */
final class TransferFacts {
    final Transfer transfer;
    final String sender;
    final List<PartFact> parts;
    final List<Match> matches;
    final Set<String> firedDetectors;

    /**
     * One part as the policy sees it.
     *
     * @param path     the part's path ({@code mail.zip!/plan.docx})
     * @param name     the name the sender gave the outermost file
     * @param type     the media type detected from content, without parameters
     * @param size     bytes, or -1 when unknown
     * @param status   how completely it was read
     */
    record PartFact(String path, String name, String type, long size, ExtractionStatus status) {
    }

    TransferFacts(Transfer transfer, List<Inspection> inspections, List<Detector> detectors) {
        if (inspections.size() != transfer.parts().size()) {
            throw new IllegalArgumentException("one inspection per transfer part is required: "
                    + transfer.parts().size() + " parts, " + inspections.size() + " inspections");
        }
        this.transfer = transfer;
        this.sender = transfer.sender() == null ? null : transfer.sender().strip().toLowerCase(Locale.ROOT);
        List<PartFact> partFacts = new ArrayList<>();
        List<Match> allMatches = new ArrayList<>();
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < inspections.size(); i++) {
            TransferPart sent = transfer.parts().get(i);
            Inspection inspection = inspections.get(i);
            allMatches.addAll(inspection.matches());
            ExtractionStatus summary = inspection.extraction().status();
            boolean summaryShown = false;
            boolean outermost = true;
            for (ExtractedPart part : inspection.extraction().parts()) {
                // The extractor may not know the outer file's size; the receiving stage always does.
                long size = part.size() >= 0 ? part.size() : outermost ? sent.size() : -1;
                outermost = false;
                partFacts.add(new PartFact(part.path(), sent.name(), baseType(part.mediaType()), size, part.status()));
                summaryShown |= part.status() == summary;
                String text = nfkc(part.text());
                for (Detector detector : detectors) {
                    counts.merge(detector.id(), detector.count(text), Integer::sum);
                }
            }
            if (!summaryShown) {
                // A file that produced no parts (unreadable, timed out) still stands before the rules.
                String type = sent.declaredType() == null ? "application/octet-stream" : baseType(sent.declaredType());
                partFacts.add(new PartFact(sent.name(), sent.name(), type, sent.size(), summary));
            }
        }
        this.parts = List.copyOf(partFacts);
        this.matches = List.copyOf(allMatches);
        this.firedDetectors = detectors.stream()
                .filter(d -> counts.getOrDefault(d.id(), 0) >= d.minCount())
                .map(Detector::id)
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * NFKC of the text; ASCII is its own NFKC, and most extracted text is ASCII, which the JDK's
     * normaliser would still check char by char against its tables (3% of the gateway's CPU on
     * 10 KiB uploads). Whether a text is ASCII the JDK answers fastest through its UTF-8 encoder (a
     * vectorised test, then one copy: 0.1 ms for 1 MB, against 0.7 ms for a {@code charAt} loop):
     * the encoding is exactly as long as the text only if every char is ASCII, or a lone surrogate,
     * which the encoder writes as one {@code ?} and NFKC leaves as it is. A text whose first chars
     * already are not ASCII skips the test.
     */
    static String nfkc(String text) {
        int n = text.length();
        int head = Math.min(n, 64);
        for (int i = 0; i < head; i++) {
            if (text.charAt(i) >= 0x80) {
                return Normalizer.normalize(text, Normalizer.Form.NFKC);
            }
        }
        if (head == n || text.getBytes(StandardCharsets.UTF_8).length == n) {
            return text;
        }
        return Normalizer.normalize(text, Normalizer.Form.NFKC);
    }

    private static String baseType(String mediaType) {
        int semicolon = mediaType.indexOf(';');
        return (semicolon < 0 ? mediaType : mediaType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }
}
