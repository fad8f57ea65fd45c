package io.sekisho.receive.smtp;

import io.sekisho.transfer.ContentSink;
import io.sekisho.transfer.PartContent;
import io.sekisho.transfer.SpoolException;
import io.sekisho.transfer.TransferPart;
import io.sekisho.transfer.WorkFolder;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.dom.field.ContentDispositionField;
import org.apache.james.mime4j.dom.field.ContentTypeField;
import org.apache.james.mime4j.dom.field.ParsedField;
import org.apache.james.mime4j.field.LenientFieldParser;
import org.apache.james.mime4j.message.DefaultBodyDescriptorBuilder;
import org.apache.james.mime4j.message.MaximalBodyDescriptor;
import org.apache.james.mime4j.parser.AbstractContentHandler;
import org.apache.james.mime4j.parser.MimeStreamParser;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Splits a received message into {@link TransferPart}s with one streaming pass of mime4j: every
 * body part and attachment, base64 and quoted-printable decoded; messages attached as
 * message/rfc822 are opened and their parts named under them ({@code forwarded.eml!/report.docx});
 * the decoded Subject of each message is a part of its own ({@code subject.txt}), since a subject
 * can carry an excerpt too.
 *
 * <p>Encrypted content is marked, not skipped: S/MIME enveloped (and opaque-signed) data, PGP/MIME
 * ({@code multipart/encrypted}, {@code application/pgp-encrypted}) and inline PGP messages get
 * {@link TransferPart#uninspectable()} set. A multipart/signed message is read normally: its text
 * is in the clear, only the signature part is opaque.
 *
 * <p>Text parts keep their bytes and charset as sent ({@code declaredType} carries the charset);
 * the extract stage decodes them.
 */
public final class MimeParts {
    /** Parts per message before the rest is refused: a limit on parts kept, not on content. */
    public static final int MAX_PARTS = 10_000;
    private static final byte[] PGP_MARKER = "-----BEGIN PGP MESSAGE-----".getBytes(StandardCharsets.US_ASCII);

    private MimeParts() {
    }

    /**
     * Splits {@code message} into parts kept in memory within the work folder's allowance, and past
     * it in files of the work folder (deleted with it).
     *
     * @throws SpoolException when a part outgrew memory and the spool could not take it
     * @throws IOException    when the message cannot be read as MIME
     */
    public static List<TransferPart> split(PartContent message, WorkFolder work) throws IOException {
        Handler handler = new Handler(work);
        MimeConfig config = MimeConfig.custom()
                .setMaxLineLen(-1)
                .setMaxHeaderLen(100_000)
                .setMaxHeaderCount(10_000)
                .setMaxContentLen(-1)
                .build();
        // The lenient field parsers (mime4j's hand-written RawFieldParser) read headers as mail
        // programs do, and without the strict JavaCC parsers' exception at the end of every
        // Content-Type (a stack trace filled per part: 2% of the gateway's CPU for small mail).
        MimeStreamParser parser = new MimeStreamParser(config, DecodeMonitor.SILENT,
                new DefaultBodyDescriptorBuilder(null, LenientFieldParser.getParser(), DecodeMonitor.SILENT));
        parser.setContentDecoding(true);
        parser.setRecurse();
        parser.setContentHandler(handler);
        try (InputStream in = message.open()) {
            parser.parse(in);
        } catch (MimeException e) {
            if (e.getCause() instanceof SpoolException spool) {
                throw spool;
            }
            throw new IOException("cannot parse the message as MIME: " + e.getMessage(), e);
        }
        return List.copyOf(handler.parts);
    }

    private static final class Handler extends AbstractContentHandler {
        private final WorkFolder work;
        private final List<TransferPart> parts = new ArrayList<>();
        /** Name prefix of each open message: "" for the outer one, "forwarded.eml!/" inside. */
        private final Deque<String> messages = new ArrayDeque<>();
        /** For each open multipart: whether it is multipart/encrypted. */
        private final Deque<Boolean> encrypted = new ArrayDeque<>();
        private String pendingName;
        private String subject;
        private int counter;

        Handler(WorkFolder work) {
            this.work = work;
        }

        @Override
        public void startMessage() {
            // The part header just read (if any) is the one that holds this message.
            String prefix = messages.isEmpty() ? "" : messages.peek() + (pendingName != null ? pendingName : "message-" + (++counter) + ".eml") + "!/";
            messages.push(prefix);
            pendingName = null;
            subject = null;
        }

        @Override
        public void endMessage() {
            messages.pop();
        }

        @Override
        public void startHeader() {
            pendingName = null;
        }

        @Override
        public void field(Field field) {
            if ("subject".equalsIgnoreCase(field.getName())) {
                subject = DecoderUtil.decodeEncodedWords(field.getBody(), DecodeMonitor.SILENT);
                return;
            }
            ParsedField parsed = LenientFieldParser.getParser().parse(field, DecodeMonitor.SILENT);
            String n = null;
            if (parsed instanceof ContentDispositionField cd) {
                n = cd.getFilename();
            } else if (parsed instanceof ContentTypeField ct && pendingName == null) {
                n = ct.getParameter("name");
            }
            if (n != null && !n.isBlank()) {
                pendingName = DecoderUtil.decodeEncodedWords(n, DecodeMonitor.SILENT).replace('/', '_').replace('\\', '_');
            }
        }

        @Override
        public void endHeader() throws MimeException {
            if (subject != null) {
                try {
                    byte[] text = subject.getBytes(StandardCharsets.UTF_8);
                    add(messages.peek() + "subject.txt", "text/plain; charset=utf-8", InputStream.nullInputStream(), text, null, true);
                } catch (IOException e) {
                    throw new MimeException(e);
                }
                subject = null;
            }
        }

        @Override
        public void startMultipart(BodyDescriptor bd) {
            encrypted.push(insideEncrypted() || "multipart/encrypted".equalsIgnoreCase(bd.getMimeType()));
        }

        @Override
        public void endMultipart() {
            encrypted.pop();
        }

        private boolean insideEncrypted() {
            return !encrypted.isEmpty() && encrypted.peek();
        }

        @Override
        public void body(BodyDescriptor bd, InputStream is) throws MimeException, IOException {
            MaximalBodyDescriptor md = (MaximalBodyDescriptor) bd;
            String type = bd.getMimeType().toLowerCase(Locale.ROOT);
            String name = fileName(md);
            String declared = bd.getCharset() != null && type.startsWith("text/") ? type + "; charset=" + bd.getCharset().toLowerCase(Locale.ROOT) : type;
            String reason = null;
            if (insideEncrypted() || "application/pgp-encrypted".equals(type)) {
                reason = TransferPart.PGP_ENCRYPTED;
            } else if ("application/pkcs7-mime".equals(type) || "application/x-pkcs7-mime".equals(type)) {
                String smimeType = param(md, "smime-type");
                if ("signed-data".equalsIgnoreCase(smimeType)) {
                    reason = TransferPart.SMIME_OPAQUE_SIGNED;
                } else if (!"certs-only".equalsIgnoreCase(smimeType)) {
                    reason = TransferPart.SMIME_ENCRYPTED;
                }
            }
            add(messages.peek() + name, declared, is, null, reason, false);
        }

        private String fileName(MaximalBodyDescriptor md) {
            String n = md.getContentDispositionFilename();
            if (n == null || n.isBlank()) {
                n = param(md, "name");
            }
            if (n != null && !n.isBlank()) {
                n = DecoderUtil.decodeEncodedWords(n, DecodeMonitor.SILENT).replace('/', '_').replace('\\', '_');
                return n;
            }
            String type = md.getMimeType().toLowerCase(Locale.ROOT);
            String ext = switch (type) {
                case "text/plain" -> ".txt";
                case "text/html" -> ".html";
                case "message/rfc822" -> ".eml";
                default -> ".bin";
            };
            return (type.startsWith("text/") ? "body-" : "part-") + (++counter) + ext;
        }

        private static String param(MaximalBodyDescriptor md, String key) {
            Map<String, String> p = md.getContentTypeParameters();
            return p == null ? null : p.get(key);
        }

        /** @param gatewayText true only for the Subject this class decoded and wrote (see {@link TransferPart#gatewayText()}) */
        private void add(String name, String declaredType, InputStream content, byte[] bytes, String reason,
                boolean gatewayText) throws IOException {
            if (parts.size() >= MAX_PARTS) {
                throw new IOException("more than " + MAX_PARTS + " parts");
            }
            long size = 0;
            boolean pgp = false;
            byte[] tail = new byte[0];
            ContentSink sink = work.newSink();
            // No digest here: the part's content computes it if a record or quarantine needs it.
            try (sink) {
                if (bytes != null) {
                    sink.write(bytes);
                    size = bytes.length;
                } else {
                    byte[] buf = new byte[64 * 1024];
                    int n;
                    while ((n = content.read(buf)) > 0) {
                        sink.write(buf, 0, n);
                        size += n;
                        if (!pgp) {
                            byte[] window = new byte[tail.length + n];
                            System.arraycopy(tail, 0, window, 0, tail.length);
                            System.arraycopy(buf, 0, window, tail.length, n);
                            pgp = indexOf(window, PGP_MARKER) >= 0;
                            int keep = Math.min(window.length, PGP_MARKER.length - 1);
                            tail = java.util.Arrays.copyOfRange(window, window.length - keep, window.length);
                        }
                    }
                }
            }
            PartContent kept = work.finish(sink);
            if (reason == null && pgp) {
                reason = TransferPart.PGP_ENCRYPTED;
            }
            parts.add(new TransferPart(name, declaredType, size, null, kept, reason, gatewayText));
        }

        private static int indexOf(byte[] haystack, byte[] needle) {
            outer:
            for (int i = 0; i + needle.length <= haystack.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (haystack[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }
}
