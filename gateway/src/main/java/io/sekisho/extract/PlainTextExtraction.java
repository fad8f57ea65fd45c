package io.sekisho.extract;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

import org.apache.tika.mime.MediaType;

/**
 * Extracts small plain-text files in this process, without a parser (docs/adr/0011): what a
 * worker would do with them is decode the bytes, and a round trip to a worker costs far more than
 * that.
 *
 * <p>A file qualifies only when all of these hold, else {@link #extract} returns null and the file
 * goes to a worker as before: it is a regular file of at most
 * {@link ExtractionLimits#maxInProcessTextBytes()} bytes (and not over {@code max.file.bytes});
 * Tika's magic and name detection from tika-core (a bounded look at the first bytes, no parser)
 * says exactly {@code text/plain}, so a zip, an Office file, a PDF, HTML or a mail labelled
 * text/plain still goes to a worker; and the charset is proven by the bytes: a byte-order mark,
 * valid UTF-8 without escape sequences, or a declared Japanese charset (ISO-2022-JP, Shift_JIS,
 * EUC-JP) that decodes without a single error. A declared single-byte charset proves nothing (every
 * byte decodes), so such text is left to the worker's charset detection, as before.
 *
 * <p>The text passes through the same {@link TextBudget} as in a worker, so the character limit
 * cuts it with the same status and detail.
 */
final class PlainTextExtraction {

    /** Declared charsets whose strict decoding fails on text in another charset, so success proves them. */
    private static final Set<String> PROVABLE = Set.of("ISO-2022-JP", "Shift_JIS", "windows-31j", "EUC-JP");

    private static final byte ESC = 0x1b;

    private final ExtractionLimits limits;
    private final PlainTextDetection detection = PlainTextDetection.standard();

    PlainTextExtraction(ExtractionLimits limits) {
        this.limits = limits;
    }

    /**
     * The file's text, or null when the file is not plain text this class may decode.
     *
     * @param declaredType the media type the sender declared, for its charset only, or null
     */
    ExtractionResult extract(Path file, String declaredType) {
        return extract(file, declaredType, false);
    }

    /**
     * As {@link #extract(Path, String)}; with {@code gatewayText} (text the gateway wrote itself
     * as UTF-8, such as a decoded Subject) Tika's format detection is skipped: a reader sees that
     * text as text whatever format its bytes resemble, and detection costs far more than decoding
     * a subject line (about half a millisecond, mostly per magic rule). The bytes must still
     * decode as strict UTF-8, else the file goes to a worker as any other.
     */
    ExtractionResult extract(Path file, String declaredType, boolean gatewayText) {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            long size = Files.size(file);
            if (size > 0 && size > inProcessLimit()) {
                return null;
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            // The worker reports unreadable files with their reason; let it.
            return null;
        }
        return extract(name, bytes, declaredType, gatewayText);
    }

    /**
     * As {@link #extract(Path, String, boolean)} for content held in memory (docs/adr/0013): no file
     * is read or made.
     *
     * @param name the content's file name, as the sender gave it
     */
    ExtractionResult extract(String name, byte[] bytes, String declaredType, boolean gatewayText) {
        if (bytes.length == 0) {
            return TikaExtractor.empty(name);
        }
        if (bytes.length > inProcessLimit()) {
            return null;
        }
        // The charset first: it is far cheaper than Tika's detection and turns away most binary files.
        Decoded decoded = proven(bytes, declaredType);
        if (decoded == null) {
            return null;
        }
        if (gatewayText ? !StandardCharsets.UTF_8.equals(decoded.charset()) : !isPlainText(name, bytes)) {
            return null;
        }
        return budgeted(name, bytes.length, decoded);
    }

    private long inProcessLimit() {
        return Math.min(limits.maxInProcessTextBytes(), limits.maxFileBytes());
    }

    private record Decoded(Charset charset, String text) {
    }

    private boolean isPlainText(String name, byte[] bytes) {
        return detection.isPlainText(name, bytes);
    }

    /** The text in the charset the bytes prove, or null when only detection could tell (a worker's job). */
    private static Decoded proven(byte[] bytes, String declaredType) {
        int length = bytes.length;
        if (length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf) {
            return decode(bytes, StandardCharsets.UTF_8);
        }
        if (length >= 2 && ((bytes[0] & 0xff) == 0xfe && (bytes[1] & 0xff) == 0xff
                || (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xfe)) {
            // The UTF-16 decoder reads the mark for the byte order. UTF-32LE starts the same way, but
            // its NUL bytes make detection say octet-stream before we get here.
            return decode(bytes, StandardCharsets.UTF_16);
        }
        Decoded ascii = ascii(bytes);
        if (ascii != null) {
            return ascii;
        }
        boolean escapes = indexOf(bytes, ESC) >= 0;
        if (!escapes) {
            Decoded utf8 = decode(bytes, StandardCharsets.UTF_8);
            if (utf8 != null) {
                return utf8;
            }
        }
        Charset declared = declaredCharset(declaredType);
        if (declared == null || !PROVABLE.contains(declared.name())) {
            return null;
        }
        // ISO-2022-JP is seven-bit: its escapes are what make it ISO-2022-JP, and without them the
        // UTF-8 branch above has already taken the text. The eight-bit ones must not see escapes.
        return escapes == declared.name().equals("ISO-2022-JP") ? decode(bytes, declared) : null;
    }

    /**
     * Bytes that are all ASCII, without an escape, decode to the same text in UTF-8 as the strict
     * decoder below would give; the JDK's own String decoding finds that out with a vectorised
     * test for non-ASCII bytes and one copy (most plain text in transfers is ASCII). Null when
     * the bytes are not such, and the strict path decides. US-ASCII rather than UTF-8 here: for
     * text that is not ASCII it only replaces each high byte, where a UTF-8 decode would decode
     * the whole text once before the strict decoder decodes it again.
     */
    private static Decoded ascii(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.US_ASCII);
        // Every byte above 127 became U+FFFD, which no ASCII byte decodes to.
        if (text.indexOf('\uFFFD') >= 0 || text.indexOf(ESC) >= 0) {
            return null;
        }
        return new Decoded(StandardCharsets.UTF_8, text);
    }

    private static Charset declaredCharset(String declaredType) {
        if (declaredType == null) {
            return null;
        }
        MediaType type = MediaType.parse(declaredType);
        String name = type == null ? null : type.getParameters().get("charset");
        if (name == null) {
            return null;
        }
        try {
            return Charset.forName(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return null;
        }
    }

    /** The text, or null when one byte does not decode (the charset is not the one the bytes are in). */
    private static Decoded decode(byte[] bytes, Charset charset) {
        try {
            CharBuffer chars = charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            String text = chars.toString();
            return new Decoded(charset, !text.isEmpty() && text.charAt(0) == '\uFEFF' ? text.substring(1) : text);
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private ExtractionResult budgeted(String name, long size, Decoded decoded) {
        String type = new MediaType(MediaType.TEXT_PLAIN, decoded.charset()).toString();
        return TextBudget.onePart(limits, name, type, size, decoded.text());
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
