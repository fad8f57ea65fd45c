package io.sekisho.receive.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Sits in front of Netty's HTTP decoder and refuses, byte by byte, any request whose framing two
 * parsers could read differently (request smuggling): both Content-Length and Transfer-Encoding,
 * a repeated or malformed Content-Length, a Transfer-Encoding other than {@code chunked}, obsolete
 * line folding, a bare CR or LF, whitespace before a header colon, control characters, a bad chunk
 * size or chunk terminator, a repeated Host. It tracks where each request ends (by Content-Length
 * or chunks) so that pipelined requests are checked too.
 *
 * <p>It passes the bytes on unchanged; Netty's decoder then builds the request objects. Because
 * the guard accepts only what has exactly one reading, and is stricter than the decoder, the
 * decoder's reading and the guard's agree. On the first violation it passes nothing more and
 * fires a {@link FramingException}; the proxy answers 400 and closes.
 */
public final class RequestFramingGuard extends ChannelInboundHandlerAdapter {

    // Compiled once: String.matches compiles its pattern on every call, once per header here.
    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,18}");
    private static final Pattern HEX = Pattern.compile("[0-9A-Fa-f]{1,8}");
    private static final Pattern CHUNK_EXTENSIONS =
            Pattern.compile("(;[!#$%&'*+.^_`|~0-9A-Za-z-]+(=([!#$%&'*+.^_`|~0-9A-Za-z-]+|\"[^\"\\\\]*\"))?)+");

    static final int MAX_LINE = 8192;
    static final int MAX_HEAD = 64 * 1024;

    private enum State { REQUEST_LINE, HEADER, FIXED_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_CR, CHUNK_LF, TRAILER, TUNNEL, FAILED }

    private State state = State.REQUEST_LINE;
    private final StringBuilder line = new StringBuilder();
    private boolean sawCr;
    private int headBytes;
    private long remaining;
    private boolean connect;
    private boolean http10;
    private int contentLengths;
    private long contentLength;
    private int transferEncodings;
    private int hosts;

    /** A request whose framing is ambiguous or malformed. */
    public static final class FramingException extends RuntimeException {
        FramingException(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (state == State.FAILED) {
            buf.release();
            return;
        }
        String problem;
        try {
            problem = scan(buf);
        } catch (RuntimeException e) {
            problem = e.getMessage();
        }
        if (problem != null) {
            state = State.FAILED;
            ReferenceCountUtil.release(buf);
            ctx.fireExceptionCaught(new FramingException(problem));
            return;
        }
        ctx.fireChannelRead(buf);
    }

    /** Checks every readable byte without consuming any; returns the first problem or null. */
    String scan(ByteBuf buf) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        while (i < end) {
            switch (state) {
                case FIXED_BODY, CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, end - i);
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = state == State.FIXED_BODY ? State.REQUEST_LINE : State.CHUNK_CR;
                    }
                }
                case CHUNK_CR -> {
                    if (buf.getByte(i++) != '\r') {
                        return "chunk data longer than its size";
                    }
                    state = State.CHUNK_LF;
                }
                case CHUNK_LF -> {
                    if (buf.getByte(i++) != '\n') {
                        return "chunk data not followed by CRLF";
                    }
                    state = State.CHUNK_SIZE;
                }
                case TUNNEL -> {
                    return "data after CONNECT before the tunnel was established";
                }
                default -> {
                    String p = lineByte(buf.getByte(i++) & 0xff);
                    if (p != null) {
                        return p;
                    }
                }
            }
        }
        return null;
    }

    private String lineByte(int b) {
        if (state == State.REQUEST_LINE || state == State.HEADER) {
            if (++headBytes > MAX_HEAD) {
                return "request head longer than " + MAX_HEAD + " bytes";
            }
        }
        if (sawCr) {
            if (b != '\n') {
                return "bare CR";
            }
            sawCr = false;
            String l = line.toString();
            line.setLength(0);
            return endOfLine(l);
        }
        if (b == '\r') {
            sawCr = true;
            return null;
        }
        if (b == '\n') {
            return "bare LF (lines end with CRLF)";
        }
        if (line.length() >= MAX_LINE) {
            return "line longer than " + MAX_LINE + " bytes";
        }
        line.append((char) b);
        return null;
    }

    private String endOfLine(String l) {
        return switch (state) {
            case REQUEST_LINE -> l.isEmpty() ? null : requestLine(l);
            case HEADER -> l.isEmpty() ? endOfHead() : header(l, true);
            case CHUNK_SIZE -> chunkSize(l);
            case TRAILER -> {
                if (l.isEmpty()) {
                    state = State.REQUEST_LINE;
                    yield null;
                }
                yield header(l, false);
            }
            default -> throw new IllegalStateException(state.toString());
        };
    }

    private String requestLine(String l) {
        String[] p = l.split(" ", -1);
        if (p.length != 3 || p[0].isEmpty() || p[1].isEmpty()) {
            return "malformed request line";
        }
        if (!isToken(p[0])) {
            return "malformed method";
        }
        for (int i = 0; i < p[1].length(); i++) {
            char c = p[1].charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return "control character or space in the request target";
            }
        }
        if (!p[2].equals("HTTP/1.1") && !p[2].equals("HTTP/1.0")) {
            return "unsupported version " + p[2] + " (HTTP/1.1 only)";
        }
        http10 = p[2].equals("HTTP/1.0");
        connect = p[0].equals("CONNECT");
        contentLengths = 0;
        contentLength = 0;
        transferEncodings = 0;
        hosts = 0;
        state = State.HEADER;
        return null;
    }

    private String header(String l, boolean inHead) {
        char first = l.charAt(0);
        if (first == ' ' || first == '\t') {
            return "obsolete line folding";
        }
        int colon = l.indexOf(':');
        if (colon <= 0) {
            return "header line without a name and colon";
        }
        String name = l.substring(0, colon);
        if (!isToken(name)) {
            return "malformed header name (whitespace before the colon?)";
        }
        String value = l.substring(colon + 1);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return "control character in header " + name;
            }
        }
        value = value.strip();
        String lower = name.toLowerCase(Locale.ROOT);
        if (!inHead) {
            if (lower.equals("content-length") || lower.equals("transfer-encoding") || lower.equals("host")) {
                return name + " in a trailer";
            }
            return null;
        }
        switch (lower) {
            case "content-length" -> {
                if (++contentLengths > 1) {
                    return "more than one Content-Length";
                }
                if (!DECIMAL.matcher(value).matches()) {
                    return "malformed Content-Length";
                }
                contentLength = Long.parseLong(value);
            }
            case "transfer-encoding" -> {
                if (++transferEncodings > 1) {
                    return "more than one Transfer-Encoding";
                }
                if (!value.equalsIgnoreCase("chunked")) {
                    return "Transfer-Encoding other than chunked";
                }
            }
            case "host" -> {
                if (++hosts > 1) {
                    return "more than one Host";
                }
            }
            default -> {
            }
        }
        return null;
    }

    private String endOfHead() {
        headBytes = 0;
        if (contentLengths > 0 && transferEncodings > 0) {
            return "both Content-Length and Transfer-Encoding";
        }
        if (transferEncodings > 0 && http10) {
            return "Transfer-Encoding in an HTTP/1.0 request";
        }
        if (connect) {
            if (contentLengths > 0 || transferEncodings > 0) {
                return "CONNECT with a body";
            }
            state = State.TUNNEL;
        } else if (transferEncodings > 0) {
            state = State.CHUNK_SIZE;
        } else if (contentLength > 0) {
            remaining = contentLength;
            state = State.FIXED_BODY;
        } else {
            state = State.REQUEST_LINE;
        }
        return null;
    }

    private String chunkSize(String l) {
        int semi = l.indexOf(';');
        String hex = semi < 0 ? l : l.substring(0, semi);
        if (!HEX.matcher(hex).matches()) {
            return "malformed chunk size";
        }
        long size = Long.parseLong(hex, 16);
        if (size > Integer.MAX_VALUE) {
            return "chunk size too large";
        }
        if (semi >= 0) {
            String ext = l.substring(semi);
            if (!CHUNK_EXTENSIONS.matcher(ext).matches()) {
                return "malformed chunk extension";
            }
        }
        if (size == 0) {
            state = State.TRAILER;
        } else {
            remaining = size;
            state = State.CHUNK_DATA;
        }
        return null;
    }

    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return !s.isEmpty();
    }
}
