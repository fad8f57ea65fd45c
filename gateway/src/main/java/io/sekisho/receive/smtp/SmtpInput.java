package io.sekisho.receive.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.nio.charset.StandardCharsets;

/**
 * Frames what the client sends: command lines, or, during DATA, message content up to the one
 * end of data RFC 5321 defines, {@code CRLF . CRLF}.
 *
 * <p>Strict framing is the defence against SMTP smuggling (CVE-2023-51764 and relatives, ADR
 * 0007): a bare LF or a bare CR never ends a line here, so {@code LF . LF}, {@code LF . CRLF},
 * {@code CR . LF}, {@code CR . CRLF}, {@code CRLF . CR} and {@code CRLF . LF} never end the data;
 * a message containing any bare CR or LF is flagged and refused at its real end.
 *
 * <p>One event per step, and the session can {@link #pause} between events: while a message is
 * inspected, pipelined commands stay here, unread, until the end-of-data reply has been sent. The
 * session switches modes ({@link #startData}) synchronously while handling an event, so no byte is
 * ever framed in the wrong mode. Input is bounded: a command line longer than the limit is
 * discarded as it arrives, a data line is never held beyond 1000 bytes, and reading stops while
 * paused.
 */
final class SmtpInput extends ChannelInboundHandlerAdapter {
    /** RFC 5321 4.5.3.1.6: a text line is at most 1000 octets with its CRLF (998 characters). */
    static final int MAX_DATA_LINE = 1000;
    private static final int CHUNK = 64 * 1024;

    private final int maxLineLength;
    private final long maxMessageBytes;

    private ChannelHandlerContext ctx;
    private ByteBuf buffer;
    private boolean paused;
    private boolean discarding;

    private boolean dataMode;
    private boolean endPending;
    private boolean atLineStart;
    private long dataBytes;
    private boolean bareNewline;
    private boolean lineTooLong;
    private boolean tooBig;

    SmtpInput(int maxLineLength, long maxMessageBytes) {
        this.maxLineLength = maxLineLength;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        buffer = ctx.alloc().buffer(1024);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        ctx.fireChannelInactive();
    }

    private void release() {
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (buffer != null) {
                buffer.writeBytes(in);
            }
        } finally {
            in.release();
        }
        drain();
    }

    /** Switches to message content: the DATA command was answered with 354. */
    void startData() {
        dataMode = true;
        atLineStart = true;
        dataBytes = 0;
        bareNewline = false;
        lineTooLong = false;
        tooBig = false;
    }

    /** Stops handing on events (and reading) until {@link #resume}. */
    void pause() {
        paused = true;
        ctx.channel().config().setAutoRead(false);
    }

    void resume() {
        paused = false;
        ctx.channel().config().setAutoRead(true);
        drain();
    }

    /** True when bytes arrived that have not been framed yet (for the STARTTLS check). */
    boolean hasBufferedInput() {
        return buffer != null && buffer.isReadable();
    }

    private void drain() {
        while (!paused && buffer != null && (endPending || buffer.isReadable()) && ctx.channel().isActive()) {
            Object event = dataMode ? decodeData() : decodeCommand();
            if (event == null) {
                break;
            }
            ctx.fireChannelRead(event);
        }
        if (buffer != null) {
            buffer.discardSomeReadBytes();
        }
    }

    private Object decodeCommand() {
        int start = buffer.readerIndex();
        int readable = buffer.readableBytes();
        if (discarding) {
            int lf = buffer.indexOf(start, start + readable, (byte) '\n');
            if (lf < 0) {
                buffer.skipBytes(readable);
                return null;
            }
            buffer.readerIndex(lf + 1);
            discarding = false;
            return new SmtpInputEvent.BadLine(SmtpReplies.LINE_TOO_LONG);
        }
        int lf = buffer.indexOf(start, start + Math.min(readable, maxLineLength), (byte) '\n');
        if (lf < 0) {
            if (readable >= maxLineLength) {
                discarding = true;
                buffer.skipBytes(maxLineLength);
                return decodeCommand();
            }
            return null;
        }
        buffer.readerIndex(lf + 1);
        if (lf == start || buffer.getByte(lf - 1) != '\r' || buffer.indexOf(start, lf - 1, (byte) '\r') >= 0) {
            return new SmtpInputEvent.BadLine(SmtpReplies.BARE_NEWLINE_IN_COMMAND);
        }
        return new SmtpInputEvent.CommandLine(buffer.toString(start, lf - 1 - start, StandardCharsets.UTF_8));
    }

    private Object decodeData() {
        if (endPending) {
            endPending = false;
            dataMode = false;
            return new SmtpInputEvent.DataEnd(dataBytes, bareNewline, lineTooLong, tooBig);
        }
        ByteBuf out = null;
        while (buffer.isReadable()) {
            int start = buffer.readerIndex();
            int readable = buffer.readableBytes();
            int lf = buffer.indexOf(start, start + Math.min(readable, MAX_DATA_LINE), (byte) '\n');
            if (lf < 0) {
                if (readable < MAX_DATA_LINE) {
                    break;
                }
                // An over-long line: pass on all but its last byte, which may be the CR of a CRLF
                // split across reads. No CR in this stretch is followed by LF, so any CR is bare.
                lineTooLong = true;
                int end = start + MAX_DATA_LINE - 1;
                if (buffer.indexOf(start, end, (byte) '\r') >= 0) {
                    bareNewline = true;
                }
                if (atLineStart && buffer.getByte(start) == '.') {
                    start++;
                }
                out = append(out, start, end);
                buffer.readerIndex(end);
                atLineStart = false;
                continue;
            }
            int lineEnd = lf + 1;
            boolean crlf = lf > start && buffer.getByte(lf - 1) == '\r';
            if (!crlf || buffer.indexOf(start, lf - 1, (byte) '\r') >= 0) {
                bareNewline = true;
            }
            if (atLineStart && crlf && lineEnd - start == 3 && buffer.getByte(start) == '.') {
                buffer.readerIndex(lineEnd);
                endPending = true;
                break;
            }
            if (atLineStart && buffer.getByte(start) == '.') {
                start++;
            }
            out = append(out, start, lineEnd);
            buffer.readerIndex(lineEnd);
            atLineStart = crlf;
            if (out != null && out.readableBytes() >= CHUNK) {
                break;
            }
        }
        if (out != null && out.isReadable()) {
            return new SmtpInputEvent.DataChunk(out);
        }
        if (out != null) {
            out.release();
        }
        if (endPending) {
            return decodeData();
        }
        return null;
    }

    private ByteBuf append(ByteBuf out, int from, int to) {
        int n = to - from;
        dataBytes += n;
        if (dataBytes > maxMessageBytes) {
            tooBig = true;
        }
        if (tooBig || n == 0) {
            return out;
        }
        if (out == null) {
            out = ctx.alloc().buffer(Math.max(n, 4096));
        }
        out.writeBytes(buffer, from, n);
        return out;
    }
}
