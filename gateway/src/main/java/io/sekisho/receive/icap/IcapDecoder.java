package io.sekisho.receive.icap;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Bytes to ICAP messages (RFC 3507): the request head with its Encapsulated header, the
 * encapsulated HTTP request head, then the body's chunks, with the end of a preview
 * ({@code 0\r\n\r\n}) told apart from the end of the body ({@code 0; ieof\r\n\r\n}, or the zero
 * chunk after 100 Continue). Strict CRLF; a malformed request yields {@link IcapMessage.Malformed}
 * and the decoder then discards everything.
 */
final class IcapDecoder extends ByteToMessageDecoder {
    static final int MAX_HEAD = 64 * 1024;
    static final int MAX_PIECE = 64 * 1024;

    private enum State { HEAD, HTTP_HEAD, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF, LAST_CRLF, FAILED }

    private State state = State.HEAD;
    private int httpHeadLength;
    private long chunkLeft;
    private boolean inPreview;
    private boolean lastIeof;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable() && state != State.FAILED) {
            int before = in.readableBytes();
            String problem = step(in, out);
            if (problem != null) {
                state = State.FAILED;
                in.skipBytes(in.readableBytes());
                out.add(new IcapMessage.Malformed(problem));
                return;
            }
            if (in.readableBytes() == before) {
                return; // need more bytes
            }
        }
        if (state == State.FAILED) {
            in.skipBytes(in.readableBytes());
        }
    }

    private String step(ByteBuf in, List<Object> out) {
        switch (state) {
            case HEAD -> {
                int end = indexOf(in, "\r\n\r\n");
                if (end < 0) {
                    return in.readableBytes() > MAX_HEAD ? "ICAP head too long" : null;
                }
                String text = in.readCharSequence(end - in.readerIndex() + 4, StandardCharsets.ISO_8859_1).toString();
                return head(text, out);
            }
            case HTTP_HEAD -> {
                if (in.readableBytes() < httpHeadLength) {
                    return null;
                }
                byte[] b = new byte[httpHeadLength];
                in.readBytes(b);
                out.add(new IcapMessage.HttpHead(b));
                if (bodyFollows) {
                    state = State.CHUNK_SIZE;
                } else {
                    out.add(new IcapMessage.End());
                    state = State.HEAD;
                }
            }
            case CHUNK_SIZE -> {
                int eol = indexOf(in, "\r\n");
                if (eol < 0) {
                    return in.readableBytes() > 1024 ? "chunk size line too long" : null;
                }
                String line = in.readCharSequence(eol - in.readerIndex(), StandardCharsets.ISO_8859_1).toString();
                in.skipBytes(2);
                int semi = line.indexOf(';');
                String hex = (semi < 0 ? line : line.substring(0, semi)).trim();
                if (!hex.matches("[0-9A-Fa-f]{1,8}")) {
                    return "malformed chunk size";
                }
                chunkLeft = Long.parseLong(hex, 16);
                lastIeof = semi >= 0 && line.substring(semi + 1).trim().equalsIgnoreCase("ieof");
                state = chunkLeft == 0 ? State.LAST_CRLF : State.CHUNK_DATA;
            }
            case CHUNK_DATA -> {
                int n = (int) Math.min(Math.min(chunkLeft, in.readableBytes()), MAX_PIECE);
                out.add(new IcapMessage.BodyPiece(in.readRetainedSlice(n)));
                chunkLeft -= n;
                if (chunkLeft == 0) {
                    state = State.CHUNK_CRLF;
                }
            }
            case CHUNK_CRLF, LAST_CRLF -> {
                if (in.readableBytes() < 2) {
                    return null;
                }
                if (in.readByte() != '\r' || in.readByte() != '\n') {
                    return "chunk not followed by CRLF";
                }
                if (state == State.CHUNK_CRLF) {
                    state = State.CHUNK_SIZE;
                } else if (inPreview && !lastIeof) {
                    inPreview = false;
                    out.add(new IcapMessage.PreviewEnd());
                    state = State.CHUNK_SIZE;
                } else {
                    out.add(new IcapMessage.End());
                    state = State.HEAD;
                }
            }
            default -> {
            }
        }
        return null;
    }

    private boolean bodyFollows;

    private String head(String text, List<Object> out) {
        String[] lines = text.substring(0, text.length() - 4).split("\r\n", -1);
        String[] first = lines[0].split(" ", -1);
        if (first.length != 3 || !first[2].equals("ICAP/1.0")) {
            return "malformed ICAP request line";
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i];
            int colon = l.indexOf(':');
            if (colon <= 0 || l.startsWith(" ") || l.startsWith("\t") || l.indexOf('\n') >= 0 || l.indexOf('\r') >= 0) {
                return "malformed ICAP header line";
            }
            headers.add(Map.entry(l.substring(0, colon).trim(), l.substring(colon + 1).trim()));
        }
        List<Map.Entry<String, Integer>> encapsulated = new ArrayList<>();
        IcapMessage.Head probe = new IcapMessage.Head(first[0], first[1], headers, List.of());
        String enc = probe.header("Encapsulated");
        if (enc != null) {
            for (String part : enc.split(",")) {
                String[] kv = part.trim().split("=", 2);
                if (kv.length != 2 || !kv[1].matches("[0-9]{1,9}")) {
                    return "malformed Encapsulated header";
                }
                encapsulated.add(Map.entry(kv[0].trim().toLowerCase(java.util.Locale.ROOT), Integer.parseInt(kv[1])));
            }
        }
        IcapMessage.Head head = new IcapMessage.Head(first[0], first[1], headers, encapsulated);
        out.add(head);
        if (encapsulated.isEmpty()) {
            out.add(new IcapMessage.End());
            return null;
        }
        int hdr = -1;
        int bodyAt = -1;
        bodyFollows = false;
        for (Map.Entry<String, Integer> e : encapsulated) {
            switch (e.getKey()) {
                case "req-hdr" -> hdr = e.getValue();
                case "req-body" -> {
                    bodyAt = e.getValue();
                    bodyFollows = true;
                }
                case "null-body" -> bodyAt = e.getValue();
                default -> {
                    return "Encapsulated section " + e.getKey() + " is not accepted (REQMOD only)";
                }
            }
        }
        if (hdr != 0 || bodyAt < 0 || bodyAt > MAX_HEAD) {
            if (hdr < 0 && bodyAt == 0) {
                httpHeadLength = 0;
            } else {
                return "Encapsulated needs req-hdr=0 and a req-body or null-body offset";
            }
        }
        httpHeadLength = bodyAt - Math.max(hdr, 0);
        inPreview = head.preview();
        state = httpHeadLength > 0 ? State.HTTP_HEAD : (bodyFollows ? State.CHUNK_SIZE : State.HEAD);
        if (httpHeadLength == 0) {
            out.add(new IcapMessage.HttpHead(new byte[0]));
            if (!bodyFollows) {
                out.add(new IcapMessage.End());
            }
        }
        return null;
    }

    private static int indexOf(ByteBuf in, String s) {
        int n = s.length();
        for (int i = in.readerIndex(); i <= in.writerIndex() - n; i++) {
            boolean match = true;
            for (int j = 0; j < n; j++) {
                if (in.getByte(i + j) != s.charAt(j)) {
                    match = false;
                    break;
                }
            }
            if (match) {
                return i;
            }
        }
        return -1;
    }
}
