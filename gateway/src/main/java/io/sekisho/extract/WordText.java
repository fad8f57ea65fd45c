package io.sekisho.extract;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.xml.sax.Attributes;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * The text of a Word document (.docx) read straight from its XML parts, for documents made of XML
 * parts only; every other file, and every Word document with anything else in it, is left to Tika
 * (ADR 0020).
 *
 * <p>Why: Tika reads a .docx through Apache POI, which opens the whole package, builds XMLBeans
 * objects for its parts and makes new XML parsers for each: about 1.4 ms of fixed cost per
 * document, ten times the work of reading a 10 KiB document's text, and three times it for
 * 100 KiB. Word documents are the most common attachment the gateway inspects.
 *
 * <p>What is read: the character data of every text element ({@code t} and {@code delText}, in any
 * namespace: Word's runs, deleted runs, text boxes, DrawingML and math) of every XML part of the
 * package, the main document part first, then the others (headers, footers, footnotes, endnotes,
 * comments, glossary) in the package's order; a paragraph's end is a line break, a tab a tab. That
 * is a superset of what Tika writes for such a document: tracked deletions and text in
 * alternative content are kept too, since a leak does not care whether the text shows.
 *
 * <p>When Tika reads instead ({@link #read} returns null): the file is not a zip whose central
 * directory lists a WordprocessingML main part; any entry is not XML ({@code .xml}, {@code .rels}),
 * so images, embedded objects and macros keep going through Tika's recursion; a name appears twice;
 * a part declares a DTD; there are more entries than {@code max.embedded.entries}; or the parts
 * inflate past the zip-bomb bound. Entries are listed from the central directory (commons-compress's
 * {@code ZipFile}), as Word reads the package, not from local headers, which a crafted file can
 * make disagree.
 *
 * <p>It runs in the extraction workers as part of {@link TikaExtractor}, and in the gateway's own
 * process for documents it holds in memory of at most {@code in.process.text.max.bytes}, whose
 * parts inflate to at most 16 times that and whose text is no longer than that
 * ({@link IsolatedExtractor}); a document past those bounds goes to a worker.
 */
final class WordText {

    /** The content type of a Word document's main part (not a template's, not a macro-enabled document's). */
    private static final String MAIN_PART = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";
    private static final String DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    private static final SAXParserFactory FACTORY = factory();

    private WordText() {
    }

    /** The type Tika gives such a document. */
    static String mediaType() {
        return DOCX;
    }

    /** The result for a document read this way: one part, its text within the file's character budget. */
    static ExtractionResult result(String name, long size, String text, ExtractionLimits limits) {
        return TextBudget.onePart(limits, name, DOCX, size, text);
    }

    private static SAXParserFactory factory() {
        try {
            SAXParserFactory f = SAXParserFactory.newInstance();
            f.setNamespaceAware(true);
            f.setValidating(false);
            // No DTD at all: Word never writes one, and without it no entity can expand.
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            return f;
        } catch (ParserConfigurationException | SAXException e) {
            return null;
        }
    }

    /**
     * The document's text, or null when the file is not a Word document of XML parts only (or
     * is one this reader does not take: see the class comment); Tika reads it then.
     */
    static String read(Path file, long fileBytes, ExtractionLimits limits) {
        if (FACTORY == null || !startsLikeZip(file)) {
            return null;
        }
        try (ZipFile zip = ZipFile.builder().setPath(file).get()) {
            return read(zip, TextBudget.bombBound(limits, fileBytes), Long.MAX_VALUE, limits);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * As {@link #read(Path, long, ExtractionLimits)}, for a document held in memory and read in the
     * calling process (ADR 0020): null as well when its parts inflate past {@code maxInflated} bytes
     * or its text is longer than {@code maxChars}, so that a worker reads it.
     */
    static String read(byte[] bytes, ExtractionLimits limits, long maxInflated, long maxChars) {
        if (FACTORY == null || !startsLikeZip(bytes)) {
            return null;
        }
        try (ZipFile zip = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(bytes)).get()) {
            return read(zip, Math.min(maxInflated, TextBudget.bombBound(limits, bytes.length)), maxChars, limits);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String read(ZipFile zip, long maxInflated, long maxChars, ExtractionLimits limits) {
        try {
            List<ZipArchiveEntry> parts = new ArrayList<>();
            Set<String> names = new HashSet<>();
            ZipArchiveEntry types = null;
            int entries = 0;
            for (Enumeration<ZipArchiveEntry> e = zip.getEntries(); e.hasMoreElements(); ) {
                ZipArchiveEntry entry = e.nextElement();
                if (++entries > limits.maxEmbeddedEntries()) {
                    return null;
                }
                String lower = entry.getName().toLowerCase(Locale.ROOT);
                if (!names.add(lower) || !zip.canReadEntryData(entry)) {
                    return null; // a part name twice (OPC compares them without case), or encrypted
                }
                if (entry.isDirectory()) {
                    continue;
                }
                if (lower.equals("[content_types].xml")) {
                    types = entry;
                } else if (lower.endsWith(".xml")) {
                    parts.add(entry);
                } else if (!lower.endsWith(".rels")) {
                    return null; // an image, an embedded object, macros, fonts: Tika recurses into them
                }
            }
            if (types == null) {
                return null;
            }
            SAXParser parser = FACTORY.newSAXParser();
            Inflated inflated = new Inflated(maxInflated);
            String main = mainPart(zip, types, parser, inflated);
            if (main == null) {
                return null;
            }
            // The main part first: a passage of its body is then as contiguous here as in Tika's text.
            parts.sort((a, b) -> Boolean.compare(!a.getName().equals(main), !b.getName().equals(main)));
            if (parts.isEmpty() || !parts.get(0).getName().equals(main)) {
                return null;
            }
            StringBuilder text = new StringBuilder();
            Texts handler = new Texts(text, maxChars);
            for (ZipArchiveEntry part : parts) {
                parse(zip, part, parser, handler, inflated);
                if (text.length() > 0 && text.charAt(text.length() - 1) != '\n') {
                    text.append('\n');
                }
            }
            if (text.length() > maxChars) {
                return null;
            }
            return text.toString();
        } catch (IOException | SAXException | ParserConfigurationException | RuntimeException e) {
            // Corrupt, crafted or merely unusual: Tika reads it and reports what it finds.
            return null;
        }
    }

    private static boolean startsLikeZip(byte[] head) {
        return head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
    }

    private static boolean startsLikeZip(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return startsLikeZip(in.readNBytes(4));
        } catch (IOException e) {
            return false;
        }
    }

    /** The name of the part [Content_Types].xml declares as a WordprocessingML main part, or null. */
    private static String mainPart(ZipFile zip, ZipArchiveEntry types, SAXParser parser, Inflated inflated)
            throws IOException, SAXException {
        List<String> mains = new ArrayList<>();
        parse(zip, types, parser, new DefaultHandler() {
            @Override
            public void startElement(String uri, String local, String qName, Attributes attributes) {
                if (local.equals("Override") && MAIN_PART.equals(attributes.getValue("ContentType"))) {
                    String name = attributes.getValue("PartName");
                    if (name != null) {
                        mains.add(name.startsWith("/") ? name.substring(1) : name);
                    }
                }
            }
        }, inflated);
        return mains.size() == 1 && zip.getEntry(mains.get(0)) != null ? mains.get(0) : null;
    }

    private static void parse(ZipFile zip, ZipArchiveEntry entry, SAXParser parser, DefaultHandler handler, Inflated inflated)
            throws IOException, SAXException {
        parser.reset();
        try (InputStream in = new Counted(zip.getInputStream(entry), inflated)) {
            parser.parse(in, handler);
        }
    }

    /** Bytes inflated so far over all parts, against the zip-bomb bound. */
    private static final class Inflated {
        final long max;
        long total;

        Inflated(long max) {
            this.max = max;
        }
    }

    private static final class Counted extends FilterInputStream {
        private final Inflated inflated;

        Counted(InputStream in, Inflated inflated) {
            super(in);
            this.inflated = inflated;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        private void add(int n) throws IOException {
            inflated.total += n;
            if (inflated.total > inflated.max) {
                throw new IOException("inflates past " + inflated.max + " bytes");
            }
        }
    }

    /**
     * Collects text elements' characters; paragraphs end in a line break, tabs stay tabs. Stops the
     * parse once the text is longer than {@code maxChars}.
     */
    private static final class Texts extends DefaultHandler {
        private final StringBuilder text;
        private final long maxChars;
        private int depthInText;

        Texts(StringBuilder text, long maxChars) {
            this.text = text;
            this.maxChars = maxChars;
        }

        @Override
        public void startElement(String uri, String local, String qName, Attributes attributes) {
            switch (local) {
                case "t", "delText" -> depthInText++;
                case "tab" -> text.append('\t');
                case "br", "cr" -> text.append('\n');
                default -> {
                }
            }
        }

        @Override
        public void endElement(String uri, String local, String qName) {
            switch (local) {
                case "t", "delText" -> depthInText = Math.max(0, depthInText - 1);
                case "p" -> text.append('\n');
                default -> {
                }
            }
        }

        @Override
        public void characters(char[] ch, int start, int length) throws SAXException {
            if (depthInText > 0) {
                if (text.length() + (long) length > maxChars) {
                    throw new SAXException("more text than " + maxChars + " characters");
                }
                text.append(ch, start, length);
            }
        }
    }
}
