package io.sekisho.receive.http;

import io.sekisho.transfer.ContentSink;
import io.sekisho.transfer.MemoryBudget;
import io.sekisho.transfer.PartContent;
import io.sekisho.transfer.SpoolException;
import io.sekisho.transfer.SpoolFolders;
import io.sekisho.transfer.TransferPart;
import io.sekisho.transfer.WorkFolder;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.apache.james.mime4j.stream.RawBody;
import org.apache.james.mime4j.stream.NameValuePair;
import org.brotli.dec.BrotliInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * Turns a spooled request body into the parts inspection reads, on an inspection thread: undoes
 * Content-Encoding ({@code gzip}, {@code deflate}, {@code br}, several in a row), then splits
 * {@code multipart/form-data} into one part per file and one for all plain fields, decodes
 * {@code application/x-www-form-urlencoded} into one text part of fields, and leaves any other
 * body as one part. Every decoded part is bounded by http.maxBodyBytes (a compression bomb ends
 * as a part marked {@link #TRUNCATED}). The parts are kept in memory while they fit
 * http.inMemoryBytes together, else in files of a work folder in the spool (docs/adr/0013), which
 * {@link #close} deletes.
 */
public final class UploadParts implements AutoCloseable {
    /** The start of a work folder's name; what an earlier run left is removed at start ({@code SpoolClaim}). */
    public static final String PREFIX = "upload-";

    /** Compiled once: String.replaceFirst compiles its pattern on every call, once per upload here. */
    private static final Pattern SCHEME_AND_AUTHORITY = Pattern.compile("^[a-zA-Z]+://[^/]*");

    /** The body (or its decoded form) was longer than http.maxBodyBytes: the part holds the start. */
    public static final String TRUNCATED = "truncated";
    /** The Content-Encoding is unknown or the bytes do not decode: the part holds the bytes as sent. */
    public static final String UNDECODABLE = "undecodable";

    static final String FORM_FIELDS = "form-fields";

    private final WorkFolder work;
    private final long max;

    /**
     * @param dir         http.spoolDir, where the work folder is made if a part outgrows memory
     * @param max         http.maxBodyBytes
     * @param memoryBytes http.inMemoryBytes: what the parts may hold in memory together
     * @param memory      http.inMemoryTotal: what all bodies and parts may hold together (the parts'
     *                    share is given back by {@link #close})
     */
    public UploadParts(Path dir, long max, long memoryBytes, MemoryBudget memory) {
        this.work = new WorkFolder(new SpoolFolders(dir, PREFIX, 0), memoryBytes, memory);
        this.max = max;
    }

    /** Deletes the parts' files, if any were made. */
    @Override
    public void close() {
        work.close();
    }

    /**
     * The parts of one body.
     *
     * @param body      the body as received
     * @param truncated the body itself was cut at http.maxBodyBytes
     */
    public List<TransferPart> split(UploadRequest request, PartContent body, boolean truncated) throws IOException {
        String type = request.header("Content-Type");
        String encoding = request.header("Content-Encoding");
        String rawName = rawName(request.url());
        PartContent decoded = body;
        boolean cut = truncated;
        if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
            ContentSink out = work.newSink();
            long[] written = new long[1];
            try (InputStream in = decoding(body.open(), encoding)) {
                cut |= copyAtMost(in, out, max, written);
            } catch (SpoolException e) {
                // The spool's fault, not the body's: the caller answers 503.
                throw e;
            } catch (IOException | RuntimeException e) {
                if (!truncated) {
                    out.discard();
                    return List.of(part(rawName, type, body, UNDECODABLE));
                }
                // A cut body ends in the middle of the compressed stream: keep what decoded.
            }
            decoded = work.finish(out);
        }
        if (cut) {
            return List.of(part(rawName, type, decoded, TRUNCATED));
        }
        String mime = type == null ? "" : type.toLowerCase(Locale.ROOT).split(";", 2)[0].trim();
        if (mime.equals("multipart/form-data")) {
            List<TransferPart> parts = multipart(type, decoded);
            if (parts != null) {
                return parts;
            }
        } else if (mime.equals("application/x-www-form-urlencoded")) {
            TransferPart fields = urlEncoded(decoded);
            if (fields != null) {
                return List.of(fields);
            }
        }
        return List.of(part(rawName, type, decoded, null));
    }

    private static InputStream decoding(InputStream in, String encodings) throws IOException {
        String[] codings = encodings.split(",");
        for (int i = codings.length - 1; i >= 0; i--) {
            String c = codings[i].trim().toLowerCase(Locale.ROOT);
            switch (c) {
                case "gzip", "x-gzip" -> in = new GZIPInputStream(in, 8192);
                case "deflate" -> in = new InflaterInputStream(in);
                case "br" -> in = new BrotliInputStream(in);
                case "identity", "" -> {
                }
                default -> throw new IOException("unknown Content-Encoding " + c);
            }
        }
        return in;
    }

    /** Copies up to {@code limit} bytes; true when there was more. */
    private static boolean copyAtMost(InputStream in, OutputStream out, long limit, long[] written) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            int take = (int) Math.min(n, limit - total);
            out.write(buf, 0, take);
            total += take;
            if (take < n) {
                written[0] = total;
                return true;
            }
        }
        written[0] = total;
        return false;
    }

    private List<TransferPart> multipart(String contentType, PartContent body) throws IOException {
        MimeConfig config = MimeConfig.custom().setMaxLineLen(-1).setMaxHeaderLen(64 * 1024).setMaxHeaderCount(1000)
                .setMaxContentLen(max).build();
        MimeTokenStream stream = new MimeTokenStream(config);
        List<TransferPart> parts = new ArrayList<>();
        StringBuilder fields = new StringBuilder();
        String disposition = null;
        try (InputStream in = body.open()) {
            stream.parseHeadless(in, contentType);
            for (EntityState s = stream.getState(); s != EntityState.T_END_OF_STREAM; s = stream.next()) {
                switch (s) {
                    case T_START_BODYPART -> disposition = null;
                    case T_FIELD -> {
                        Field f = stream.getField();
                        if (f.getName().equalsIgnoreCase("Content-Disposition")) {
                            disposition = f.getBody();
                        }
                    }
                    case T_BODY -> {
                        String name = param(disposition, "name");
                        String filename = param(disposition, "filename");
                        String declared = stream.getBodyDescriptor().getMimeType();
                        if (filename == null && (name != null || disposition != null)
                                && !stream.getBodyDescriptor().getMimeType().startsWith("multipart/")
                                && fields.length() < max) {
                            byte[] value = stream.getDecodedInputStream().readNBytes((int) Math.min(max - fields.length(), 1 << 20));
                            fields.append(name == null ? "" : name).append(": ")
                                    .append(new String(value, StandardCharsets.UTF_8)).append('\n');
                        } else {
                            ContentSink o = work.newSink();
                            try (InputStream data = stream.getDecodedInputStream()) {
                                data.transferTo(o);
                            }
                            parts.add(part(filename != null ? filename : name != null ? name : "part-" + (parts.size() + 1),
                                    declared, work.finish(o), null));
                        }
                    }
                    default -> {
                    }
                }
            }
        } catch (MimeException e) {
            return null;
        }
        if (fields.length() > 0) {
            parts.add(part(FORM_FIELDS, "text/plain; charset=utf-8", keep(fields), null));
        }
        return parts;
    }

    private static String param(String disposition, String name) {
        if (disposition == null) {
            return null;
        }
        RawBody rb = RawFieldParser.DEFAULT.parseRawBody(new RawField("Content-Disposition", disposition));
        for (NameValuePair p : rb.getParams()) {
            if (p.getName().equalsIgnoreCase(name)) {
                return p.getValue();
            }
        }
        return null;
    }

    private TransferPart urlEncoded(PartContent body) throws IOException {
        String text = new String(body.bytes(), StandardCharsets.ISO_8859_1);
        StringBuilder out = new StringBuilder();
        try {
            for (String pair : text.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String n = eq < 0 ? pair : pair.substring(0, eq);
                String v = eq < 0 ? "" : pair.substring(eq + 1);
                out.append(URLDecoder.decode(n, StandardCharsets.UTF_8)).append(": ")
                        .append(URLDecoder.decode(v, StandardCharsets.UTF_8)).append('\n');
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return part(FORM_FIELDS, "text/plain; charset=utf-8", keep(out), null);
    }

    private static String rawName(String url) {
        String path = SCHEME_AND_AUTHORITY.matcher(url).replaceFirst("");
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        int slash = path.lastIndexOf('/');
        String last = slash >= 0 ? path.substring(slash + 1) : path;
        return last.isEmpty() ? "body" : last;
    }

    /** Text the gateway made from the body, kept as UTF-8 within the memory allowance like any part. */
    private PartContent keep(CharSequence text) throws IOException {
        ContentSink sink = work.newSink();
        sink.write(text.toString().getBytes(StandardCharsets.UTF_8));
        return work.finish(sink);
    }

    /** The part's digest is left to the content, which computes it only if a record or quarantine needs it. */
    private static TransferPart part(String name, String type, PartContent content, String uninspectable) {
        return new TransferPart(name, type, content.size(), null, content, uninspectable);
    }
}
