package io.sekisho.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.sekisho.testing.Formats;
import io.sekisho.testing.TextGen;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MimeType;
import org.apache.tika.mime.MimeTypeException;
import org.apache.tika.mime.MimeTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PlainTextDetection} gives tika-core's answer, computed here for every case by Tika itself,
 * and gives it without Tika's full detection for plain text.
 */
class PlainTextDetectionTest {

    /** Names that keep text as text, make it another type, or are not usable as a name at all. */
    static final List<String> NAMES = Arrays.asList("body.txt", "page.html", "data.csv", "mail.eml", null, "",
            "README", "Odd Name.TXT", "notes.xml", "archive.tar.gz", "%zz.txt", "http://example.com/run.php",
            "https://example.com/dir/", "file:///tmp/a%20b.txt", "report.pdf", "subject.txt", "upload");

    private static MimeTypes types;
    private static PlainTextDetection detection;
    private static MagicRules rules;
    private static List<MimeType> typesWithMagic;

    @TempDir
    Path dir;

    @BeforeAll
    static void registry() throws MimeTypeException {
        types = MimeTypes.getDefaultMimeTypes();
        detection = PlainTextDetection.standard();
        rules = detection.rules();
        typesWithMagic = new ArrayList<>();
        for (MediaType type : types.getMediaTypeRegistry().getTypes()) {
            MimeType mime = types.forName(type.toString());
            if (mime.hasMagic()) {
                typesWithMagic.add(mime);
            }
        }
    }

    @Test
    void magicRulesAreCompiledFromTheBundledTika() {
        assertThat(detection.compiled()).as("the fast path is active").isTrue();
        assertThat(rules.size()).as("magic rules").isGreaterThanOrEqualTo(typesWithMagic.size());
        assertThat(rules.leaves()).hasSizeGreaterThanOrEqualTo(rules.size());
    }

    @Test
    void typesOfNamesAreRememberedWithinABoundAndStayTikas() {
        PlainTextDetection fresh = new PlainTextDetection(types);
        byte[] text = "plain words in a body\n".getBytes(StandardCharsets.US_ASCII);
        // Names without a known extension are the ones tika-core matches glob by glob.
        for (String name : List.of("upload", "README", "items", "page.html", "upload")) {
            assertThat(fresh.isPlainText(name, text)).as(name).isEqualTo(tikaSaysPlainText(name, text));
        }
        assertThat(fresh.rememberedNames()).isEqualTo(4);
        for (int i = 0; i < PlainTextDetection.NAMED_TYPES_MAX + 10; i++) {
            fresh.isPlainText("endpoint-" + i, text);
            assertThat(fresh.rememberedNames()).isLessThanOrEqualTo(PlainTextDetection.NAMED_TYPES_MAX);
        }
        String longName = "n".repeat(PlainTextDetection.NAMED_TYPE_NAME_MAX + 1) + ".html";
        int before = fresh.rememberedNames();
        assertThat(fresh.isPlainText(longName, text)).isEqualTo(tikaSaysPlainText(longName, text)).isFalse();
        assertThat(fresh.rememberedNames()).as("a long name is not kept").isEqualTo(before);
        assertThat(fresh.isPlainText("page.html", text)).isFalse();
        assertThat(fresh.isPlainText("upload", text)).isTrue();
    }

    @Test
    void proseAgreesWithTikaWithoutItsFullDetection() {
        Random random = new Random(7);
        List<byte[]> texts = new ArrayList<>();
        for (int chars : new int[] {1, 12, 80, 700, 5_000, 10_240, 70_000}) {
            String latin = TextGen.latin(random, chars);
            String japanese = TextGen.japanese(random, Math.max(1, chars / 3));
            texts.add(latin.getBytes(StandardCharsets.US_ASCII));
            texts.add(latin.replace(". ", ".\r\n").getBytes(StandardCharsets.US_ASCII));
            texts.add(japanese.getBytes(StandardCharsets.UTF_8));
            texts.add((latin + "\n" + japanese).getBytes(StandardCharsets.UTF_8));
            texts.add(japanese.getBytes(Charset.forName("Shift_JIS")));
        }
        int fast = 0;
        int cases = 0;
        List<String> disagreements = new ArrayList<>();
        for (byte[] text : texts) {
            for (String name : NAMES) {
                PlainTextDetection.Verdict verdict = detection.verdict(name, text);
                cases++;
                fast += verdict.byTika() ? 0 : 1;
                if (verdict.plainText() != tikaSaysPlainText(name, text)) {
                    disagreements.add(describe(name, text));
                }
            }
        }
        assertThat(disagreements).isEmpty();
        assertThat(fast).as("prose answered without Tika's full detection").isEqualTo(cases);
    }

    @Test
    void theNameDecidesLikeTikasHintForTextAndForBinary() {
        byte[] text = "Quarterly figures, do not forward.\n".getBytes(StandardCharsets.US_ASCII);
        byte[] binary = {1, 2, 3, (byte) 0xfe, 0, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};

        assertThat(detection.verdict("a.txt", text)).isEqualTo(new PlainTextDetection.Verdict(true, false));
        assertThat(detection.verdict("a.csv", text)).isEqualTo(new PlainTextDetection.Verdict(false, false));
        assertThat(detection.verdict("a.html", text)).isEqualTo(new PlainTextDetection.Verdict(false, false));
        assertThat(detection.verdict("a.pdf", text)).isEqualTo(new PlainTextDetection.Verdict(true, false));
        assertThat(detection.verdict("a.txt", binary)).isEqualTo(new PlainTextDetection.Verdict(true, false));
        assertThat(detection.verdict("upload", binary)).isEqualTo(new PlainTextDetection.Verdict(false, false));
        for (String name : List.of("a.txt", "a.csv", "a.html", "a.pdf", "upload")) {
            assertThat(detection.isPlainText(name, text)).as(name).isEqualTo(tikaSaysPlainText(name, text));
            assertThat(detection.isPlainText(name, binary)).as(name).isEqualTo(tikaSaysPlainText(name, binary));
        }
    }

    @Test
    void everyMatchOfTheRegistryAgreesWithTikasDetectorWherePlanted() {
        Random random = new Random(11);
        List<String> disagreements = new ArrayList<>();
        int compared = 0;
        int matched = 0;
        int endToEnd = 0;
        List<String> regexesNeverMatched = new ArrayList<>();
        for (MagicRules.Leaf leaf : rules.leaves()) {
            boolean matchedOnce = false;
            for (byte[] data : planted(leaf, random)) {
                boolean tika = tikaMatch(leaf, data);
                compared++;
                matched += tika ? 1 : 0;
                matchedOnce |= tika;
                if (leaf.matches(rules, data, data.length) != tika) {
                    disagreements.add(leaf.detector() + " at " + leaf.begin + ":" + leaf.end + ": Tika " + tika
                            + " for " + describe(null, data));
                }
                // The whole registry (Tika's half takes as long as a detection): a sample of the data.
                if (compared % 4 == 0 && rules.anyMatches(data, data.length) != tikaAnyMagic(data)) {
                    disagreements.add("any rule, after " + leaf.detector() + ": " + describe(null, data));
                }
                if (compared % 4 == 2) {
                    String name = NAMES.get(endToEnd++ % NAMES.size());
                    if (detection.isPlainText(name, data) != tikaSaysPlainText(name, data)) {
                        disagreements.add("detect " + describe(name, data));
                    }
                }
            }
            if (leaf instanceof MagicRules.Regex && !matchedOnce) {
                regexesNeverMatched.add(leaf.detector().toString());
            }
        }
        assertThat(disagreements).isEmpty();
        assertThat(regexesNeverMatched).as("regular expressions no planted data satisfied").isEmpty();
        // Planting works: most planted data does match, so the comparison is not of misses only.
        assertThat(matched).as("planted data Tika's detectors match, of " + compared).isGreaterThan(compared / 3);
    }

    @Test
    void realFilesAgreeWithTika() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String text : List.of(TikaExtractorTest.LATIN, TikaExtractorTest.JAPANESE)) {
            Path each = Files.createDirectories(dir.resolve("formats-" + files.size()));
            Map<String, Path> formats = Formats.all(text, each);
            files.addAll(formats.values());
        }
        Path corpus = Path.of("src/test/resources/corpus");
        if (Files.isDirectory(corpus)) {
            try (Stream<Path> stream = Files.list(corpus)) {
                stream.filter(Files::isRegularFile).forEach(files::add);
            }
        }
        List<String> disagreements = new ArrayList<>();
        int notPlain = 0;
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            for (String name : List.of(file.getFileName().toString(), "body.txt", "upload")) {
                boolean tika = tikaSaysPlainText(name, bytes);
                notPlain += tika ? 0 : 1;
                if (detection.isPlainText(name, bytes) != tika) {
                    disagreements.add(file.getFileName() + " as " + describe(name, bytes));
                }
            }
        }
        assertThat(files).hasSizeGreaterThan(20);
        assertThat(disagreements).isEmpty();
        assertThat(notPlain).as("formats Tika does not call text").isGreaterThan(files.size());
    }

    @Test
    void randomBytesAndTextWithMagicPlantedAgreeWithTika() {
        Random random = new Random(13);
        List<byte[]> cases = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            byte[] noise = new byte[1 + random.nextInt(i % 3 == 0 ? 20 : 9_000)];
            random.nextBytes(noise);
            cases.add(noise);
        }
        List<MagicRules.Leaf> bytesLeaves = rules.leaves().stream().filter(MagicRules.Bytes.class::isInstance).toList();
        for (int i = 0; i < 300; i++) {
            MagicRules.Bytes leaf = (MagicRules.Bytes) bytesLeaves.get(random.nextInt(bytesLeaves.size()));
            byte[] match = sample(leaf, random);
            byte[] text = TextGen.latin(random, 200 + random.nextInt(12_000)).getBytes(StandardCharsets.US_ASCII);
            int at = i % 2 == 0 ? 0 : leaf.begin + random.nextInt(leaf.end - leaf.begin + 1);
            byte[] data = Arrays.copyOf(text, Math.max(text.length, at + match.length));
            System.arraycopy(match, 0, data, at, match.length);
            cases.add(data);
        }
        List<String> disagreements = new ArrayList<>();
        int fast = 0;
        for (int i = 0; i < cases.size(); i++) {
            byte[] data = cases.get(i);
            String name = NAMES.get(i % NAMES.size());
            PlainTextDetection.Verdict verdict = detection.verdict(name, data);
            fast += verdict.byTika() ? 0 : 1;
            if (verdict.plainText() != tikaSaysPlainText(name, data)) {
                disagreements.add(describe(name, data));
            }
        }
        assertThat(disagreements).isEmpty();
        assertThat(fast).as("noise with no rule matching is answered fast too").isPositive();
    }

    @Test
    void aRegistryItCannotReadLeavesEveryAnswerToTika() {
        // A registry without magic rules is not what this class was written for: it must not guess.
        PlainTextDetection unread = new PlainTextDetection(new MimeTypes());
        byte[] text = "plain words\n".getBytes(StandardCharsets.US_ASCII);

        assertThat(unread.compiled()).isFalse();
        assertThat(unread.verdict("a.txt", text)).isEqualTo(new PlainTextDetection.Verdict(true, true));
    }

    /** Data in which the match is satisfied at each end and the middle of its range, and near misses. */
    static List<byte[]> planted(MagicRules.Leaf leaf, Random random) {
        List<byte[]> planted = new ArrayList<>();
        int[] starts = leaf.end == leaf.begin ? new int[] {leaf.begin}
                : new int[] {leaf.begin, leaf.end, leaf.begin + random.nextInt(leaf.end - leaf.begin + 1)};
        for (int start : starts) {
            byte[] match = leaf instanceof MagicRules.Bytes bytes ? sample(bytes, random)
                    : sample(((MagicRules.Regex) leaf).pattern(), random);
            if (match == null) {
                continue;
            }
            for (Background background : Background.values()) {
                // Ends right after the match, so that any window past it is zero-filled.
                planted.add(plant(background.bytes(random, start + match.length), start, match));
            }
            byte[] longer = plant(Background.TEXT.bytes(random, start + match.length + 300), start, match);
            planted.add(longer);
            // Cut inside the match: Tika compares the zeros it fills in with the rest of the pattern.
            for (int cut = 1; cut <= Math.min(3, match.length); cut++) {
                planted.add(Arrays.copyOf(longer, start + match.length - cut));
            }
            if (match.length > 0) {
                byte[] miss = longer.clone();
                int at = start + random.nextInt(match.length);
                miss[at] = (byte) (miss[at] ^ (1 << random.nextInt(8)));
                planted.add(miss);
            }
        }
        planted.removeIf(data -> data.length == 0);
        return planted;
    }

    private enum Background {
        ZEROS, TEXT, NOISE;

        byte[] bytes(Random random, int length) {
            byte[] bytes = new byte[length];
            switch (this) {
                case TEXT -> {
                    byte[] text = TextGen.latin(random, length + 1).getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(text, 0, bytes, 0, length);
                }
                case NOISE -> random.nextBytes(bytes);
                default -> {
                }
            }
            return bytes;
        }
    }

    private static byte[] plant(byte[] background, int at, byte[] match) {
        byte[] data = background.length < at + match.length ? Arrays.copyOf(background, at + match.length) : background;
        System.arraycopy(match, 0, data, at, match.length);
        return data;
    }

    /** Bytes the pattern accepts, chosen at random among the values its mask and case allow. */
    static byte[] sample(MagicRules.Bytes leaf, Random random) {
        byte[] pattern = leaf.pattern();
        byte[] sample = new byte[pattern.length];
        for (int j = 0; j < pattern.length; j++) {
            List<Integer> values = new ArrayList<>();
            for (int value = 0; value < 256; value++) {
                if (leaf.accepts(j, value)) {
                    values.add(value);
                }
            }
            sample[j] = values.isEmpty() ? pattern[j] : (byte) (int) values.get(random.nextInt(values.size()));
        }
        return sample;
    }

    /**
     * Characters (0-255) the expression matches, grown one character at a time among those with
     * which a match is still possible (a match, or more input needed: {@link Matcher#hitEnd}).
     * Where any character would do, characters an earlier position required (and zero) are
     * preferred, so that a pattern such as {@code \xFF.{100,2000}\xFF} ends in a few hundred steps.
     */
    private static byte[] sample(Pattern pattern, Random random) {
        for (int attempt = 0; attempt < 30; attempt++) {
            StringBuilder text = new StringBuilder();
            List<Character> required = new ArrayList<>(List.of((char) 0));
            Matcher matcher = pattern.matcher(text);
            while (text.length() < 3_000) {
                matcher.reset(text);
                if (matcher.lookingAt() && !text.isEmpty() && random.nextInt(3) != 0) {
                    return text.toString().getBytes(StandardCharsets.ISO_8859_1);
                }
                List<Character> next = new ArrayList<>();
                for (char c = 0; c < 256; c++) {
                    text.append(c);
                    matcher.reset(text);
                    if (matcher.lookingAt() || matcher.hitEnd()) {
                        next.add(c);
                    }
                    text.setLength(text.length() - 1);
                }
                if (next.isEmpty()) {
                    break;
                }
                List<Character> preferred = new ArrayList<>(required);
                preferred.retainAll(next);
                char c = next.size() > 16 && !preferred.isEmpty() && random.nextBoolean()
                        ? preferred.get(random.nextInt(preferred.size()))
                        : next.get(random.nextInt(next.size()));
                if (next.size() <= 16) {
                    required.add(c);
                }
                text.append(c);
            }
        }
        return null;
    }

    private static boolean tikaMatch(MagicRules.Leaf leaf, byte[] data) {
        try {
            return leaf.detector().detect(new ByteArrayInputStream(data), new Metadata()) != MediaType.OCTET_STREAM;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether some magic of the registry matches, as Tika evaluates them one by one. */
    private static boolean tikaAnyMagic(byte[] data) {
        for (MimeType type : typesWithMagic) {
            if (type.matchesMagic(data)) {
                return true;
            }
        }
        return false;
    }

    private static boolean tikaSaysPlainText(String name, byte[] bytes) {
        Metadata metadata = new Metadata();
        metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, name);
        try {
            return MediaType.TEXT_PLAIN.equals(types.detect(new ByteArrayInputStream(bytes), metadata));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String describe(String name, byte[] data) {
        String head = new String(data, 0, Math.min(data.length, 48), StandardCharsets.ISO_8859_1)
                .replaceAll("[^\\x20-\\x7e]", ".");
        return "name " + name + ", " + data.length + " bytes \"" + head + "\"";
    }
}
