package io.sekisho.extract;

import io.sekisho.testing.Formats;
import io.sekisho.testing.TextGen;
import org.apache.tika.config.TikaConfig;
import org.apache.tika.detect.Detector;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MimeTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The indexed detector gives Tika's answers: its MimeTypes against tika-core's default one, and
 * the whole default detector (zip, OLE and other container detectors included) against Tika's.
 */
class IndexedMagicDetectorTest {
    private static IndexedMagicDetector indexed;
    private static Detector composite;
    private static final MimeTypes TIKA_TYPES = MimeTypes.getDefaultMimeTypes();
    private static final Detector TIKA = TikaConfig.getDefaultConfig().getDetector();

    @TempDir
    Path dir;

    @BeforeAll
    static void detectors() throws Exception {
        indexed = IndexedMagicDetector.create();
        composite = IndexedMagicDetector.defaultDetector();
    }

    @Test
    void theDefaultDetectorIsTheIndexedOneNotAFallback() {
        assertThat(composite).isInstanceOf(org.apache.tika.detect.CompositeDetector.class)
                .isNotInstanceOf(org.apache.tika.detect.DefaultDetector.class);
        assertThat(((org.apache.tika.detect.CompositeDetector) composite).getDetectors())
                .hasAtLeastOneElementOfType(IndexedMagicDetector.class)
                .hasSameSizeAs(((org.apache.tika.detect.CompositeDetector) TIKA).getDetectors());
    }

    @Test
    void realFilesGetTikasTypes() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String text : List.of(TikaExtractorTest.LATIN, TikaExtractorTest.JAPANESE)) {
            Path each = Files.createDirectories(dir.resolve("formats-" + files.size()));
            Map<String, Path> formats = Formats.all(text, each);
            files.addAll(formats.values());
        }
        List<String> disagreements = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            for (String name : Arrays.asList(file.getFileName().toString(), "body.txt", "upload", null)) {
                compare(bytes, name, disagreements, seen);
            }
        }
        assertThat(files).hasSizeGreaterThan(20);
        assertThat(disagreements).isEmpty();
        assertThat(seen.stream().distinct()).as("types the files were detected as").hasSizeGreaterThan(10);
    }

    @Test
    void plantedMagicTextAndNoiseGetTikasTypes() {
        Random random = new Random(17);
        MagicRules rules = PlainTextDetection.standard().rules();
        List<byte[]> cases = new ArrayList<>();
        for (MagicRules.Leaf leaf : rules.leaves()) {
            List<byte[]> planted = PlainTextDetectionTest.planted(leaf, random);
            cases.add(planted.get(random.nextInt(planted.size())));
        }
        for (int i = 0; i < 100; i++) {
            byte[] noise = new byte[1 + random.nextInt(i % 3 == 0 ? 20 : 9_000)];
            random.nextBytes(noise);
            cases.add(noise);
            cases.add(TextGen.latin(random, 50 + random.nextInt(10_000)).getBytes(StandardCharsets.US_ASCII));
        }
        cases.add(new byte[0]);
        List<String> disagreements = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            compare(cases.get(i), PlainTextDetectionTest.NAMES.get(i % PlainTextDetectionTest.NAMES.size()),
                    disagreements, seen);
        }
        assertThat(disagreements).isEmpty();
        assertThat(seen.stream().distinct()).as("types the planted data were detected as").hasSizeGreaterThan(200);
    }

    @Test
    void withoutAStreamOnlyTheHintsDecideAsInTika() throws IOException {
        Metadata m = new Metadata();
        m.set(TikaCoreProperties.RESOURCE_NAME_KEY, "report.pdf");
        assertThat(indexed.detect(null, m)).isEqualTo(TIKA_TYPES.detect(null, m)).isEqualTo(MediaType.application("pdf"));
    }

    /** Compares the answers, a detector's exception counting as its answer (Tika's Ogg detector throws on some data). */
    private static void compare(byte[] bytes, String name, List<String> disagreements, List<String> seen) {
        String ours = answer(indexed, bytes, name);
        String tikas = answer(TIKA_TYPES, bytes, name);
        if (!ours.equals(tikas)) {
            disagreements.add("MimeTypes: " + tikas + " but " + ours + " for " + PlainTextDetectionTest.describe(name, bytes));
        }
        String oursAll = answer(composite, bytes, name);
        String tikasAll = answer(TIKA, bytes, name);
        if (!oursAll.equals(tikasAll)) {
            disagreements.add("default: " + tikasAll + " but " + oursAll + " for " + PlainTextDetectionTest.describe(name, bytes));
        }
        seen.add(tikasAll);
    }

    private static String answer(Detector d, byte[] bytes, String name) {
        try {
            return detect(d, bytes, name).toString();
        } catch (IOException | RuntimeException e) {
            return e.toString();
        }
    }

    private static MediaType detect(Detector d, byte[] bytes, String name) throws IOException {
        Metadata m = new Metadata();
        if (name != null) {
            m.set(TikaCoreProperties.RESOURCE_NAME_KEY, name);
        }
        try (TikaInputStream in = TikaInputStream.get(bytes)) {
            return d.detect(in, m);
        }
    }

}
