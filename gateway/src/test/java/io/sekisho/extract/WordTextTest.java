package io.sekisho.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import javax.imageio.ImageIO;

import io.sekisho.fingerprint.NormalizedText;
import io.sekisho.fingerprint.TextNormalizer;
import io.sekisho.testing.Formats;
import io.sekisho.testing.TextGen;
import org.apache.poi.wp.usermodel.HeaderFooterType;
import org.apache.poi.xwpf.usermodel.Document;
import org.apache.poi.xwpf.usermodel.XWPFComment;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFFootnote;
import org.apache.poi.xwpf.usermodel.XWPFParagraph;
import org.apache.poi.xwpf.usermodel.XWPFTable;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.sax.BodyContentHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .docx reader against Tika on the same files: it must find every word Tika finds, keep a
 * passage of the body as contiguous as Tika does (what fingerprint matching needs), and leave to
 * Tika every file it does not fully understand.
 */
class WordTextTest {

    private static final ExtractionLimits LIMITS = ExtractionLimits.defaults();
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

    @TempDir
    Path dir;

    /** A document with the parts real ones have: header, footer, table, hyperlink, footnote, comment. */
    private Path richDocument(String body, String japanese, boolean withPicture) throws Exception {
        try (XWPFDocument document = new XWPFDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            document.createHeader(HeaderFooterType.DEFAULT).createParagraph().createRun().setText("Header line alpha");
            for (String paragraph : body.split("\n")) {
                document.createParagraph().createRun().setText(paragraph);
            }
            XWPFTable table = document.createTable(2, 2);
            table.getRow(0).getCell(0).setText("cell zero zero");
            table.getRow(0).getCell(1).setText("cell zero one");
            table.getRow(1).getCell(0).setText(japanese);
            table.getRow(1).getCell(1).setText("cell one one");
            XWPFParagraph linked = document.createParagraph();
            linked.createRun().setText("See ");
            linked.createHyperlinkRun("https://example.com/secret").setText("the linked page");
            XWPFParagraph noted = document.createParagraph();
            noted.createRun().setText("A sentence with a footnote.");
            XWPFFootnote footnote = document.createFootnote();
            footnote.createParagraph().createRun().setText("Footnote text bravo");
            noted.addFootnoteReference(footnote);
            XWPFComment comment = document.createComments().createComment(BigInteger.ONE);
            comment.createParagraph().createRun().setText("Comment text charlie");
            if (withPicture) {
                ByteArrayOutputStream png = new ByteArrayOutputStream();
                ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", png);
                document.createParagraph().createRun().addPicture(new ByteArrayInputStream(png.toByteArray()),
                        Document.PICTURE_TYPE_PNG,
                        "logo.png", 100_000, 100_000);
            }
            document.createFooter(HeaderFooterType.DEFAULT).createParagraph().createRun().setText("Footer line delta");
            document.write(out);
            return Files.write(dir.resolve(withPicture ? "picture.docx" : "rich.docx"), out.toByteArray());
        }
    }

    private static String tika(Path file) throws Exception {
        BodyContentHandler text = new BodyContentHandler(-1);
        try (InputStream in = Files.newInputStream(file)) {
            new AutoDetectParser().parse(in, text, new Metadata(), new ParseContext());
        }
        return text.toString();
    }

    private static Map<String, Integer> words(String text) {
        Map<String, Integer> counts = new HashMap<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            counts.merge(m.group(), 1, Integer::sum);
        }
        return counts;
    }

    private static String normalized(String text) {
        NormalizedText n = TextNormalizer.normalize(text);
        StringBuilder chars = new StringBuilder(n.length());
        for (int i = 0; i < n.length(); i++) {
            chars.append(n.charAt(i));
        }
        return chars.toString();
    }

    @Test
    void findsEveryWordTikaFindsAndKeepsTheBodyContiguous() throws Exception {
        Random random = new Random(20261126);
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            body.append(TextGen.latin(random, 300)).append('\n');
        }
        String japanese = TextGen.japanese(random, 80);
        Path file = richDocument(body.toString().strip(), japanese, false);

        String ours = WordText.read(file, Files.size(file), LIMITS);
        String theirs = tika(file);

        assertThat(ours).as("read without Tika").isNotNull();
        Map<String, Integer> mine = words(ours);
        // Tika marks where a footnote is referenced ("[footnoteRef:1]"): its words, not the document's.
        words(theirs.replaceAll("\\[(footnote|endnote)Ref:\\d+]", "")).forEach((word, count) ->
                assertThat(mine.getOrDefault(word, 0)).as("occurrences of \"%s\"", word).isGreaterThanOrEqualTo(count));
        // A passage spanning paragraphs is one run of normalised text in both: found the same way.
        String passage = normalized(body.substring(200, 2_500));
        assertThat(normalized(theirs)).contains(passage);
        assertThat(normalized(ours)).contains(passage);
        assertThat(ours).contains("Header line alpha", "Footer line delta", "Footnote text bravo", "Comment text charlie",
                "cell zero one", japanese, "the linked page");
    }

    @Test
    void theExtractorReadsWordDocumentsThisWayWithinTheCharacterBudget() throws Exception {
        Random random = new Random(7);
        String body = TextGen.latin(random, 5_000);
        Path file = richDocument(body, "日本語", false);
        try (TikaExtractor extractor = new TikaExtractor(LIMITS)) {
            ExtractionResult result = extractor.extract(file);
            assertThat(result.parts()).hasSize(1);
            ExtractedPart part = result.parts().get(0);
            assertThat(part.status()).isEqualTo(ExtractionStatus.COMPLETE);
            assertThat(part.mediaType()).isEqualTo("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
            assertThat(part.size()).isEqualTo(Files.size(file));
            assertThat(part.text()).isEqualTo(WordText.read(file, Files.size(file), LIMITS));
        }
        try (TikaExtractor small = new TikaExtractor(LIMITS.withMaxCharactersPerFile(1_000))) {
            ExtractedPart part = small.extract(file).parts().get(0);
            assertThat(part.status()).isEqualTo(ExtractionStatus.TRUNCATED);
            assertThat(part.detail()).contains("character limit");
            assertThat(part.text()).hasSize(1_000);
        }
    }

    @Test
    void smallDocumentsHeldInMemoryAreReadInTheGatewaysProcess() throws Exception {
        String body = TextGen.latin(new Random(3), 3_000);
        Path file = richDocument(body, "日本語", false);
        byte[] bytes = Files.readAllBytes(file);
        String fromFile = WordText.read(file, bytes.length, LIMITS);
        assertThat(WordText.read(bytes, LIMITS, Long.MAX_VALUE, Long.MAX_VALUE)).isNotNull().isEqualTo(fromFile);
        byte[] picture = Files.readAllBytes(richDocument("Body text lima", "日本語", true));
        // Workers that cannot start: an answer comes from this process, and no file is made for one.
        try (IsolatedExtractor noWorkers = new IsolatedExtractor(LIMITS.withWorkerHeap("1k"))) {
            ExtractionResult result = noWorkers.extract("notes.docx", bytes, null, false, () -> {
                throw new AssertionError("a file was made for a worker");
            });
            assertThat(result.parts()).singleElement().satisfies(part -> {
                assertThat(part.path()).isEqualTo("notes.docx");
                assertThat(part.status()).isEqualTo(ExtractionStatus.COMPLETE);
                assertThat(part.size()).isEqualTo(bytes.length);
                assertThat(part.text()).isEqualTo(fromFile);
            });
            // A picture inside: a worker's file (which cannot start here).
            AtomicBoolean madeFile = new AtomicBoolean();
            assertThatThrownBy(() -> noWorkers.extract("picture.docx", picture, null, false, () -> {
                madeFile.set(true);
                return Files.write(dir.resolve("for-worker.docx"), picture);
            })).isInstanceOf(ExtractionUnavailableException.class);
            assertThat(madeFile).isTrue();
        }
    }

    @Test
    void inTheGatewaysProcessTighterBoundsHandTheDocumentToAWorker() throws Exception {
        Path file = richDocument(TextGen.latin(new Random(5), 3_000), "日本語", false);
        byte[] bytes = Files.readAllBytes(file);
        int chars = WordText.read(bytes, LIMITS, Long.MAX_VALUE, Long.MAX_VALUE).length();
        assertThat(WordText.read(bytes, LIMITS, Long.MAX_VALUE, chars)).isNotNull();
        assertThat(WordText.read(bytes, LIMITS, Long.MAX_VALUE, chars - 1)).as("more text than allowed").isNull();
        assertThat(WordText.read(bytes, LIMITS, 4_000, Long.MAX_VALUE)).as("inflates past the bound").isNull();
        // Larger than in.process.text.max.bytes: not tried here at all.
        try (IsolatedExtractor noWorkers = new IsolatedExtractor(LIMITS.withWorkerHeap("1k")
                .withMaxInProcessTextBytes(bytes.length - 1))) {
            assertThatThrownBy(() -> noWorkers.extract("notes.docx", bytes, null, false,
                    () -> Files.write(dir.resolve("for-worker.docx"), bytes)))
                    .isInstanceOf(ExtractionUnavailableException.class);
        }
    }

    @Test
    void aDocumentWithAPictureIsLeftToTikaWhichRecursesIntoIt() throws Exception {
        Path file = richDocument("Body text echo foxtrot", "日本語", true);
        assertThat(WordText.read(file, Files.size(file), LIMITS)).isNull();
        try (TikaExtractor extractor = new TikaExtractor(LIMITS)) {
            ExtractionResult result = extractor.extract(file);
            assertThat(result.parts().get(0).text()).contains("Body text echo foxtrot");
            assertThat(result.parts()).hasSizeGreaterThan(1); // the picture, as an embedded part
        }
    }

    @Test
    void otherFormatsAreLeftToTika() throws Exception {
        Map<String, Path> formats = Formats.all("Other formats golf hotel", dir);
        for (String format : new String[] {"xlsx", "pptx", "odt", "zip", "txt", "pdf", "eml-docx", "7z"}) {
            Path file = formats.get(format);
            assertThat(WordText.read(file, Files.size(file), LIMITS)).as(format).isNull();
        }
        Path empty = Files.write(dir.resolve("empty.docx"), new byte[0]);
        assertThat(WordText.read(empty, 0, LIMITS)).isNull();
        Path notZip = Files.writeString(dir.resolve("fake.docx"), "PK but not a zip at all");
        assertThat(WordText.read(notZip, Files.size(notZip), LIMITS)).isNull();
    }

    private static final String TYPES = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
            + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
            + "<Override PartName=\"/%s\" ContentType=\"%s\"/></Types>";
    private static final String MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";
    private static final String W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

    /** A package built by hand: entries in order, name then content. */
    private Path handMade(String name, String... entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (int i = 0; i < entries.length; i += 2) {
                zip.putNextEntry(new ZipEntry(entries[i]));
                zip.write(entries[i + 1].getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return Files.write(dir.resolve(name), bytes.toByteArray());
    }

    private static String document(String inner) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"" + W + "\"><w:body>" + inner
                + "</w:body></w:document>";
    }

    @Test
    void deletedTextAndAMainPartElsewhereAreRead() throws Exception {
        Path file = handMade("moved.docx",
                "[Content_Types].xml", String.format(TYPES, "word/main2.xml", MAIN),
                "word/main2.xml", document("<w:p><w:r><w:t>kept words</w:t></w:r><w:del><w:r>"
                        + "<w:delText>deleted words india</w:delText></w:r></w:del><w:r><w:tab/><w:t>after tab</w:t></w:r></w:p>"),
                "word/other.xml", document("<w:p><w:r><w:t>second part juliet</w:t></w:r></w:p>"));
        assertThat(WordText.read(file, Files.size(file), LIMITS))
                .isEqualTo("kept wordsdeleted words india\tafter tab\nsecond part juliet\n");
    }

    @Test
    void craftedPackagesAreLeftToTika() throws Exception {
        String types = String.format(TYPES, "word/document.xml", MAIN);
        String plain = document("<w:p><w:r><w:t>text</w:t></w:r></w:p>");
        // The shape this reader takes, as a control for the cases below.
        Path good = handMade("good.docx", "[Content_Types].xml", types, "word/document.xml", plain);
        assertThat(WordText.read(good, Files.size(good), LIMITS)).isEqualTo("text\n");

        Path doctype = handMade("doctype.docx", "[Content_Types].xml", types, "word/document.xml",
                "<?xml version=\"1.0\"?><!DOCTYPE w:document [<!ENTITY a \"kilo kilo kilo\">]>"
                        + "<w:document xmlns:w=\"" + W + "\"><w:body><w:p><w:r><w:t>&a;</w:t></w:r></w:p></w:body></w:document>");
        Path twice = handMade("twice.docx", "[Content_Types].xml", types, "word/document.xml", plain,
                "word/Document.xml", document("<w:p><w:r><w:t>other</w:t></w:r></w:p>"));
        Path macros = handMade("macros.docx", "[Content_Types].xml", types, "word/document.xml", plain,
                "word/vbaProject.bin", "not xml");
        Path noTypes = handMade("no-types.docx", "word/document.xml", plain);
        Path noMain = handMade("no-main.docx", "[Content_Types].xml", String.format(TYPES, "word/missing.xml", MAIN),
                "word/document.xml", plain);
        Path template = handMade("template.docx", "[Content_Types].xml", String.format(TYPES, "word/document.xml",
                "application/vnd.ms-word.document.macroEnabled.main+xml"), "word/document.xml", plain);
        Path broken = handMade("broken.docx", "[Content_Types].xml", types, "word/document.xml", "<w:document><w:body>");
        for (Path file : new Path[] {doctype, twice, macros, noTypes, noMain, template, broken}) {
            assertThat(WordText.read(file, Files.size(file), LIMITS)).as(file.getFileName().toString()).isNull();
        }
    }

    @Test
    void deeplyNestedXmlIsReadWithoutEscapingErrors() throws Exception {
        // 200,000 nested elements: the JDK's parser keeps its element stack on the heap, not the
        // thread's stack, so this is read, or handed on, and never kills the calling thread.
        String types = String.format(TYPES, "word/document.xml", MAIN);
        int depth = 200_000;
        String nested = "<w:sdt>".repeat(depth) + "<w:p><w:r><w:t>deep mike</w:t></w:r></w:p>" + "</w:sdt>".repeat(depth);
        Path deep = handMade("deep.docx", "[Content_Types].xml", types, "word/document.xml", document(nested));
        String text = WordText.read(deep, Files.size(deep), LIMITS.withMaxCompressionRatio(100_000));
        assertThat(text).isEqualTo("deep mike\n");
    }

    @Test
    void partsThatInflatePastTheZipBombBoundAreLeftToTika() throws Exception {
        String types = String.format(TYPES, "word/document.xml", MAIN);
        Path bomb = handMade("bomb.docx", "[Content_Types].xml", types, "word/document.xml",
                document("<w:p><w:r><w:t>" + "a".repeat(4_000_000) + "</w:t></w:r></w:p>"));
        // Defaults: a million characters, or 100 per byte of the file, whichever is more.
        assertThat(Files.size(bomb)).isLessThan(40_000);
        assertThat(WordText.read(bomb, Files.size(bomb), LIMITS)).isNull();
        ExtractionLimits loose = LIMITS.withMaxCompressionRatio(100_000);
        assertThat(WordText.read(bomb, Files.size(bomb), loose)).hasSize(4_000_001);
    }
}
