package io.sekisho.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import net.lingala.zip4j.model.ZipParameters;
import net.lingala.zip4j.model.enums.AesKeyStrength;
import net.lingala.zip4j.model.enums.EncryptionMethod;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZOutputFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentNameDictionary;
import org.apache.pdfbox.pdmodel.PDEmbeddedFilesNameTreeNode;
import org.apache.pdfbox.pdmodel.common.filespecification.PDComplexFileSpecification;
import org.apache.pdfbox.pdmodel.common.filespecification.PDEmbeddedFile;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xslf.usermodel.XMLSlideShow;
import org.apache.poi.xslf.usermodel.XSLFTextBox;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xwpf.usermodel.XWPFDocument;

/**
 * Writes a given text in each format the gateway must read, for tests at every stage.
 *
 * <p>Every writer keeps the text intact: extracting the file again must give back the text,
 * up to whitespace. The one exception is PDF: without a CJK font on the machine it can only
 * carry text that the standard Helvetica font can show ({@link #canWritePdf}).
 */
public final class Formats {

    /** The password of {@link #encryptedZip} and {@link #encryptedPdf}. */
    public static final String PASSWORD = "sekisho-secret";

    /** Fonts that can show Japanese, looked for in this order; none is needed for Latin text. */
    private static final List<String> CJK_FONTS = List.of(
            "/usr/share/fonts/truetype/ipafont-gothic/ipag.ttf",
            "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
            "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
            "/usr/share/fonts/truetype/noto/NotoSansJP-Regular.ttf",
            "/usr/share/fonts/truetype/takao-gothic/TakaoGothic.ttf");

    private Formats() {
    }

    /** Every non-encrypted wrapper of the text, by name (the names are also the file names). */
    public static Map<String, Path> all(String text, Path dir) {
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("txt", txt(text, dir));
        files.put("html", html(text, dir));
        files.put("docx", docx(text, dir));
        files.put("xlsx", xlsx(text, dir));
        files.put("pptx", pptx(text, dir));
        files.put("odt", odt(text, dir));
        files.put("rtf", rtf(text, dir));
        if (canWritePdf(text)) {
            files.put("pdf", pdf(text, dir));
        }
        files.put("eml", eml(text, dir));
        files.put("eml-docx", emlWithDocx(text, dir));
        files.put("zip", zip(text, dir));
        files.put("zip-in-zip", zipInZip(text, dir));
        files.put("tar.gz", tarGz(text, dir));
        files.put("7z", sevenZ(text, dir));
        return files;
    }

    public static Path txt(String text, Path dir) {
        return write(dir.resolve("text.txt"), text.getBytes(StandardCharsets.UTF_8));
    }

    public static Path html(String text, Path dir) {
        String html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>t</title></head><body><p>"
                + escapeXml(text) + "</p></body></html>\n";
        return write(dir.resolve("text.html"), html.getBytes(StandardCharsets.UTF_8));
    }

    public static Path docx(String text, Path dir) {
        return write(dir.resolve("text.docx"), docxBytes(text));
    }

    public static Path xlsx(String text, Path dir) {
        try (XSSFWorkbook book = new XSSFWorkbook(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            book.createSheet("s").createRow(0).createCell(0).setCellValue(text);
            book.write(out);
            return write(dir.resolve("text.xlsx"), out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path pptx(String text, Path dir) {
        try (XMLSlideShow show = new XMLSlideShow(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            XSLFTextBox box = show.createSlide().createTextBox();
            box.setAnchor(new java.awt.geom.Rectangle2D.Double(20, 20, 600, 400));
            box.setText(text);
            show.write(out);
            return write(dir.resolve("text.pptx"), out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An OpenDocument text built by hand: the mimetype entry first and stored, as the format requires. */
    public static Path odt(String text, Path dir) {
        String content = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
                + " xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">"
                + "<office:body><office:text><text:p>" + escapeXml(text) + "</text:p></office:text></office:body>"
                + "</office:document-content>";
        String manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\""
                + " manifest:version=\"1.2\">"
                + "<manifest:file-entry manifest:full-path=\"/\""
                + " manifest:media-type=\"application/vnd.oasis.opendocument.text\"/>"
                + "<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>"
                + "</manifest:manifest>";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            byte[] mimetype = "application/vnd.oasis.opendocument.text".getBytes(StandardCharsets.US_ASCII);
            ZipEntry entry = new ZipEntry("mimetype");
            entry.setMethod(ZipEntry.STORED);
            entry.setSize(mimetype.length);
            CRC32 crc = new CRC32();
            crc.update(mimetype);
            entry.setCrc(crc.getValue());
            zip.putNextEntry(entry);
            zip.write(mimetype);
            zip.closeEntry();
            putEntry(zip, "content.xml", content.getBytes(StandardCharsets.UTF_8));
            putEntry(zip, "META-INF/manifest.xml", manifest.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return write(dir.resolve("text.odt"), bytes.toByteArray());
    }

    /** RTF with every non-ASCII character as a Unicode escape, so any script survives. */
    public static Path rtf(String text, Path dir) {
        StringBuilder rtf = new StringBuilder("{\\rtf1\\ansi\\ansicpg1252\\uc1\\deff0{\\fonttbl{\\f0 Helvetica;}}\\f0 ");
        text.chars().forEach(c -> {
            if (c == '\\' || c == '{' || c == '}') {
                rtf.append('\\').append((char) c);
            } else if (c == '\n') {
                rtf.append("\\par ");
            } else if (c < 0x80) {
                rtf.append((char) c);
            } else {
                rtf.append("\\u").append((short) c).append('?');
            }
        });
        rtf.append("}\n");
        return write(dir.resolve("text.rtf"), rtf.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** Whether {@link #pdf} can carry this text on this machine (a CJK font is needed beyond Latin). */
    public static boolean canWritePdf(String text) {
        return cjkFont() != null || helveticaCanShow(text);
    }

    public static Path pdf(String text, Path dir) {
        return write(dir.resolve("text.pdf"), pdfBytes(text, null));
    }

    /** A PDF whose page says nothing of the text; the text is in an attached plain-text file. */
    public static Path pdfWithAttachment(String text, Path dir) {
        try (PDDocument document = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            document.addPage(new PDPage());
            PDEmbeddedFile embedded = new PDEmbeddedFile(document,
                    new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
            embedded.setSubtype("text/plain");
            PDComplexFileSpecification spec = new PDComplexFileSpecification();
            spec.setFile("attached.txt");
            spec.setFileUnicode("attached.txt");
            spec.setEmbeddedFile(embedded);
            spec.setEmbeddedFileUnicode(embedded);
            PDEmbeddedFilesNameTreeNode tree = new PDEmbeddedFilesNameTreeNode();
            tree.setNames(Map.of("attached.txt", spec));
            PDDocumentNameDictionary names = new PDDocumentNameDictionary(document.getDocumentCatalog());
            names.setEmbeddedFiles(tree);
            document.getDocumentCatalog().setNames(names);
            document.save(out);
            return write(dir.resolve("attachment.pdf"), out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A PDF that needs the user password {@link #PASSWORD} to be opened. */
    public static Path encryptedPdf(String text, Path dir) {
        return write(dir.resolve("encrypted.pdf"), pdfBytes(text, PASSWORD));
    }

    /** A mail with the text as its UTF-8 body. */
    public static Path eml(String text, Path dir) {
        String mail = headers("text/plain; charset=UTF-8")
                + "Content-Transfer-Encoding: base64\r\n\r\n" + base64(text.getBytes(StandardCharsets.UTF_8));
        return write(dir.resolve("text.eml"), mail.getBytes(StandardCharsets.US_ASCII));
    }

    /** A mail whose only carrier of the text is an attached Word document. */
    public static Path emlWithDocx(String text, Path dir) {
        String boundary = "sekisho-boundary-1";
        String mail = headers("multipart/mixed; boundary=\"" + boundary + "\"") + "\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Type: text/plain; charset=US-ASCII\r\n\r\nSee the attachment.\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document;"
                + " name=\"attached.docx\"\r\n"
                + "Content-Disposition: attachment; filename=\"attached.docx\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n"
                + base64(docxBytes(text))
                + "--" + boundary + "--\r\n";
        return write(dir.resolve("attachment.eml"), mail.getBytes(StandardCharsets.US_ASCII));
    }

    public static Path zip(String text, Path dir) {
        return write(dir.resolve("text.zip"), zipBytes("inner.txt", text.getBytes(StandardCharsets.UTF_8)));
    }

    public static Path zipInZip(String text, Path dir) {
        byte[] inner = zipBytes("inner.txt", text.getBytes(StandardCharsets.UTF_8));
        return write(dir.resolve("outer.zip"), zipBytes("inner.zip", inner));
    }

    public static Path tarGz(String text, Path dir) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("text.tar.gz");
        try (OutputStream out = Files.newOutputStream(file);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
            TarArchiveEntry entry = new TarArchiveEntry("inner.txt");
            entry.setSize(data.length);
            tar.putArchiveEntry(entry);
            tar.write(data);
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    public static Path sevenZ(String text, Path dir) {
        Path file = dir.resolve("text.7z");
        try (SevenZOutputFile sevenZ = new SevenZOutputFile(file.toFile())) {
            SevenZArchiveEntry entry = new SevenZArchiveEntry();
            entry.setName("inner.txt");
            // Tika 3.3.1 fails on 7z entries without a modification time.
            entry.setLastModifiedDate(new java.util.Date());
            sevenZ.putArchiveEntry(entry);
            sevenZ.write(text.getBytes(StandardCharsets.UTF_8));
            sevenZ.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** A zip whose one entry is AES-256 encrypted with {@link #PASSWORD}. */
    public static Path encryptedZip(String text, Path dir) {
        return write(dir.resolve("encrypted.zip"), encryptedZipBytes(text));
    }

    /** A normal zip holding an AES-encrypted zip: the encryption is one level down. */
    public static Path encryptedZipInZip(String text, Path dir) {
        return write(dir.resolve("outer-of-encrypted.zip"), zipBytes("encrypted.zip", encryptedZipBytes(text)));
    }

    /** A zip holding one entry with the given bytes. */
    public static byte[] zipBytes(String entryName, byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            putEntry(zip, entryName, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] encryptedZipBytes(String text) {
        ZipParameters parameters = new ZipParameters();
        parameters.setEncryptFiles(true);
        parameters.setEncryptionMethod(EncryptionMethod.AES);
        parameters.setAesKeyStrength(AesKeyStrength.KEY_STRENGTH_256);
        parameters.setFileNameInZip("secret.txt");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (net.lingala.zip4j.io.outputstream.ZipOutputStream zip =
                     new net.lingala.zip4j.io.outputstream.ZipOutputStream(bytes, PASSWORD.toCharArray())) {
            zip.putNextEntry(parameters);
            zip.write(text.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] docxBytes(String text) {
        try (XWPFDocument document = new XWPFDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            document.createParagraph().createRun().setText(text);
            document.write(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] pdfBytes(String text, String userPassword) {
        try (PDDocument document = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDPage page = new PDPage();
            document.addPage(page);
            PDFont font = helveticaCanShow(text) ? new PDType1Font(Standard14Fonts.FontName.HELVETICA)
                    : loadCjkFont(document);
            try (PDPageContentStream stream = new PDPageContentStream(document, page)) {
                stream.beginText();
                stream.setFont(font, 11);
                stream.setLeading(14);
                stream.newLineAtOffset(40, 740);
                // Breaking lines only at spaces keeps the text equal up to whitespace.
                for (String line : wrap(text, 70)) {
                    stream.showText(line);
                    stream.newLine();
                }
                stream.endText();
            }
            if (userPassword != null) {
                StandardProtectionPolicy policy =
                        new StandardProtectionPolicy("owner-" + userPassword, userPassword, new AccessPermission());
                policy.setEncryptionKeyLength(128);
                document.protect(policy);
            }
            document.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new java.util.ArrayList<>();
        for (String paragraph : text.split("\n")) {
            StringBuilder line = new StringBuilder();
            for (String word : paragraph.split(" ")) {
                if (line.length() > 0 && line.length() + word.length() >= width) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                line.append(line.length() > 0 ? " " : "").append(word);
            }
            lines.add(line.toString());
        }
        return lines;
    }

    private static PDFont loadCjkFont(PDDocument document) throws IOException {
        Path font = cjkFont();
        if (font == null) {
            throw new IllegalArgumentException("no CJK font on this machine: PDF can carry Latin text only");
        }
        return PDType0Font.load(document, font.toFile());
    }

    private static Path cjkFont() {
        return CJK_FONTS.stream().map(Path::of).filter(Files::isRegularFile).findFirst().orElse(null);
    }

    private static boolean helveticaCanShow(String text) {
        // WinAnsiEncoding covers Latin-1 and a few more; PDFBox refuses anything else.
        return text.chars().allMatch(c -> c == '\n' || c >= 0x20 && c < 0x7f || c >= 0xa0 && c <= 0xff);
    }

    private static String headers(String contentType) {
        return "From: alice@example.com\r\n"
                + "To: bob@example.org\r\n"
                + "Subject: report\r\n"
                + "Date: Thu, 1 Jan 2026 09:00:00 +0900\r\n"
                + "Message-ID: <formats@sekisho.test>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: " + contentType + "\r\n";
    }

    private static String base64(byte[] data) {
        return Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(data) + "\r\n";
    }

    private static void putEntry(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }

    private static String escapeXml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static Path write(Path file, byte[] data) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
