package io.sekisho.benchmarks;

import io.sekisho.extract.ExtractedPart;
import io.sekisho.extract.ExtractionResult;
import io.sekisho.extract.TikaExtractor;
import io.sekisho.fingerprint.FingerprintScheme;
import io.sekisho.fingerprint.Fingerprints;
import io.sekisho.fingerprint.Winnower;
import org.xml.sax.Attributes;
import org.xml.sax.helpers.DefaultHandler;

import javax.xml.XMLConstants;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * What inspecting the SMTP benchmark's .docx attachments costs at the least, stage by stage, on one
 * thread of this JVM after a warm-up: the work no implementation can skip against what Tika does.
 * <ul>
 *   <li>{@code base64}: decoding the attachment out of the message (java.util.Base64);</li>
 *   <li>{@code inflate}: only unzipping {@code word/document.xml}, reading nothing else;</li>
 *   <li>{@code inflate+sax}: that, parsed by the JDK's SAX parser, keeping the text of {@code w:t}
 *       elements: the least a reader of the format can do;</li>
 *   <li>{@code tika}: the gateway's {@link TikaExtractor} on the file, as its extraction workers run it;</li>
 *   <li>{@code fingerprint}: normalising and winnowing the extracted text, as every transfer is.</li>
 * </ul>
 * A message through the gateway also costs its SMTP conversations, MIME parsing, matching and the
 * relay, and smtp-source and smtp-sink run on the same cores: so {@code base64 + inflate+sax +
 * fingerprint} is a lower bound on the gateway's added CPU per message, however it is written.
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.sekisho.benchmarks.DocxFloor [seconds per stage]}.
 */
public final class DocxFloor {
    private static volatile long sink;

    private DocxFloor() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        Path work = Files.createTempDirectory("sekisho-docx-floor");
        int[] sizes = {10 * 1024, 100 * 1024, 1024 * 1024};
        String[] names = {"10k", "100k", "1m"};
        Winnower winnower = new Winnower(FingerprintScheme.DEFAULT);
        SAXParserFactory factory = SAXParserFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        System.out.println("message\tbytes\tdocx_bytes\tdocument_xml_bytes\ttext_chars\tstage\tms_per_doc");
        try (TikaExtractor tika = new TikaExtractor()) {
            for (int i = 0; i < sizes.length; i++) {
                // The same message SmtpMessages writes for the benchmark (same size and seed).
                String message = SmtpMessages.withDocx(sizes[i], 100 + i, work);
                String base64 = attachment(message);
                byte[] docx = Base64.getMimeDecoder().decode(base64);
                Path file = Files.write(work.resolve("notes-" + names[i] + ".docx"), docx);
                SAXParser parser = factory.newSAXParser();
                String text = wordText(docx, parser);
                ExtractionResult tikaResult = tika.extract(file);
                String tikaText = tikaResult.parts().stream().map(ExtractedPart::text).reduce("", String::concat);
                if (Math.abs(tikaText.strip().length() - text.length()) > text.length() / 100 + 8) {
                    throw new IllegalStateException("w:t text and Tika's differ in length: " + text.length()
                            + " against " + tikaText.length());
                }
                String prefix = String.format(Locale.ROOT, "docx-%s\t%d\t%d\t%d\t%d", names[i], message.length(),
                        docx.length, documentXmlLength(docx), text.length());
                measure(prefix, "base64", seconds, () -> Base64.getMimeDecoder().decode(base64).length);
                measure(prefix, "inflate", seconds, () -> documentXmlLength(docx));
                measure(prefix, "inflate+sax", seconds, () -> wordText(docx, parser).length());
                measure(prefix, "tika", seconds, () -> tika.extract(file).parts().size());
                measure(prefix, "fingerprint", seconds, () -> {
                    Fingerprints fingerprints = winnower.fingerprint(text);
                    return fingerprints.size();
                });
            }
        }
    }

    private interface Stage {
        long run() throws Exception;
    }

    /** Runs the stage for {@code seconds} unmeasured, then for {@code seconds} measured. */
    private static void measure(String prefix, String stage, double seconds, Stage work) throws Exception {
        long budget = (long) (seconds * 1e9);
        for (long end = System.nanoTime() + budget; System.nanoTime() < end; ) {
            sink += work.run();
        }
        long n = 0;
        long start = System.nanoTime();
        long now;
        do {
            sink += work.run();
            n++;
            now = System.nanoTime();
        } while (now - start < budget);
        System.out.printf(Locale.ROOT, "%s\t%s\t%.3f%n", prefix, stage, (now - start) / 1e6 / n);
    }

    /** The base64 body of the message's attachment: from the blank line after its headers to the boundary. */
    static String attachment(String message) {
        int part = message.indexOf("filename=\"notes.docx\"");
        int start = message.indexOf("\n\n", part) + 2;
        int end = message.indexOf("\n--", start);
        return message.substring(start, end);
    }

    static int documentXmlLength(byte[] docx) throws Exception {
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(docx))) {
            byte[] buffer = new byte[64 * 1024];
            int total = 0;
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().equals("word/document.xml")) {
                    for (int n; (n = zip.read(buffer)) > 0; ) {
                        total += n;
                    }
                }
            }
            return total;
        }
    }

    /** The text of every {@code w:t} element of {@code word/document.xml}, one paragraph per line. */
    static String wordText(byte[] docx, SAXParser parser) throws Exception {
        StringBuilder text = new StringBuilder();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(docx))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (!e.getName().equals("word/document.xml")) {
                    continue;
                }
                InputStream entry = new FilterInputStream(zip) {
                    @Override
                    public void close() {
                        // the parser closes its input; the zip stays open for the next entry
                    }
                };
                parser.reset();
                parser.parse(entry, new DefaultHandler() {
                    private boolean inText;

                    @Override
                    public void startElement(String uri, String local, String qName, Attributes attributes) {
                        inText = local.equals("t");
                    }

                    @Override
                    public void endElement(String uri, String local, String qName) {
                        inText = false;
                        if (local.equals("p")) {
                            text.append('\n');
                        }
                    }

                    @Override
                    public void characters(char[] ch, int start, int length) {
                        if (inText) {
                            text.append(ch, start, length);
                        }
                    }
                });
            }
        }
        return text.toString().strip();
    }
}
