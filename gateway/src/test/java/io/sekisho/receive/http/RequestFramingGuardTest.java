package io.sekisho.receive.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The framing guard in memory, with every input split at every position. */
class RequestFramingGuardTest {
    private static final String GOOD = "GET http://a.example/ HTTP/1.1\r\nHost: a.example\r\n\r\n"
            + "POST http://a.example/u HTTP/1.1\r\nHost: a.example\r\nContent-Length: 11\r\n\r\nhello\r\nworld"
            + "POST http://a.example/c HTTP/1.1\r\nHost: a.example\r\nTransfer-Encoding: Chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n10\r\n0123456789abcdef\r\n0\r\nX-Trailer: ok\r\n\r\n"
            + "\r\nGET http://a.example/last HTTP/1.0\r\n\r\n";

    /** What reached the next handler, and the problem fired, if any. */
    private record Outcome(byte[] passed, String problem) {
    }

    private static Outcome feed(String input, int split) {
        ByteArrayOutputStream passed = new ByteArrayOutputStream();
        List<String> problems = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new RequestFramingGuard(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf b = (ByteBuf) msg;
                byte[] bytes = new byte[b.readableBytes()];
                b.readBytes(bytes);
                passed.writeBytes(bytes);
                b.release();
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                problems.add(cause.getMessage());
            }
        });
        byte[] all = input.getBytes(StandardCharsets.ISO_8859_1);
        ch.writeInbound(Unpooled.wrappedBuffer(all, 0, split));
        ch.writeInbound(Unpooled.wrappedBuffer(all, split, all.length - split));
        ch.finishAndReleaseAll();
        return new Outcome(passed.toByteArray(), problems.isEmpty() ? null : problems.get(0));
    }

    @Test
    void unambiguousPipelinedRequestsPassUnchangedWhereverTheyAreSplit() {
        for (int split = 0; split <= GOOD.length(); split++) {
            Outcome o = feed(GOOD, split);
            assertThat(o.problem()).as("split at " + split).isNull();
            assertThat(new String(o.passed(), StandardCharsets.ISO_8859_1)).isEqualTo(GOOD);
        }
    }

    @Test
    void ambiguousFramingIsRefusedWhereverItIsSplit() {
        String t = "POST http://a.example/ HTTP/1.1\r\nHost: a.example\r\n";
        List<String[]> cases = List.of(
                new String[]{t + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", "both Content-Length and Transfer-Encoding"},
                new String[]{t + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", "both Content-Length and Transfer-Encoding"},
                new String[]{t + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc", "more than one Content-Length"},
                new String[]{t + "Content-Length: -3\r\n\r\n", "malformed Content-Length"},
                new String[]{t + "Content-Length: 3 3\r\n\r\n", "malformed Content-Length"},
                new String[]{t + "X-A: 1\r\n\tfolded\r\n\r\n", "obsolete line folding"},
                new String[]{t + "Transfer-Encoding: chunked\r\n\r\n-1\r\n", "malformed chunk size"},
                new String[]{t + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n", "chunk data longer than its size"},
                new String[]{t + "Transfer-Encoding: chunked\r\n\r\n1 ;x\r\n", "malformed chunk size"},
                new String[]{t + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", "more than one Transfer-Encoding"},
                new String[]{t + "Transfer-Encoding: identity\r\n\r\n", "Transfer-Encoding other than chunked"},
                new String[]{t + "Content-Length : 3\r\n\r\nabc", "malformed header name"},
                new String[]{t + "X-A: a\rb\r\n\r\n", "bare CR"},
                new String[]{t + "X-A: a\nContent-Length: 3\r\n\r\n", "bare LF"},
                new String[]{t + "X-A: a\u0000b\r\n\r\n", "control character"},
                new String[]{t + "Host: b.example\r\n\r\n", "more than one Host"},
                new String[]{"POST http://a.example/ HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", "HTTP/1.0"},
                new String[]{"GET  http://a.example/ HTTP/1.1\r\n\r\n", "malformed request line"},
                new String[]{"GET http://a.example/ HTTP/2.0\r\n\r\n", "unsupported version"},
                new String[]{t + "Transfer-Encoding: chunked\r\n\r\n0\r\nContent-Length: 5\r\n\r\n", "in a trailer"},
                new String[]{"CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n\u0016\u0003\u0001", "data after CONNECT"});
        for (String[] c : cases) {
            for (int split = 0; split <= c[0].length(); split++) {
                Outcome o = feed(c[0], split);
                assertThat(o.problem()).as(c[0] + " split at " + split).contains(c[1]);
            }
        }
    }
}
