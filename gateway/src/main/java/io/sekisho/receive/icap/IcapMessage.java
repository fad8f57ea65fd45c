package io.sekisho.receive.icap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.DefaultByteBufHolder;

import java.util.List;
import java.util.Map;

/** What {@link IcapDecoder} hands on: an ICAP head, the encapsulated HTTP head, body pieces, ends. */
sealed interface IcapMessage {

    /**
     * The ICAP request line and headers.
     *
     * @param encapsulated the Encapsulated header's sections, in order ({@code req-hdr=0}, {@code req-body=412})
     */
    record Head(String method, String uri, List<Map.Entry<String, String>> headers, List<Map.Entry<String, Integer>> encapsulated)
            implements IcapMessage {
        String header(String name) {
            for (Map.Entry<String, String> h : headers) {
                if (h.getKey().equalsIgnoreCase(name)) {
                    return h.getValue();
                }
            }
            return null;
        }

        boolean hasBody() {
            return encapsulated.stream().anyMatch(e -> e.getKey().endsWith("-body") && !e.getKey().equals("null-body"));
        }

        boolean preview() {
            return header("Preview") != null;
        }
    }

    /** The encapsulated HTTP request head, exactly as sent (request line, headers, empty line). */
    record HttpHead(byte[] bytes) implements IcapMessage {
    }

    /** A piece of the encapsulated body (de-chunked). */
    final class BodyPiece extends DefaultByteBufHolder implements IcapMessage {
        BodyPiece(ByteBuf data) {
            super(data);
        }

        @Override
        public ByteBufHolder replace(ByteBuf content) {
            return new BodyPiece(content);
        }
    }

    /** The preview ended and the client waits for 100 Continue (or a final answer). */
    record PreviewEnd() implements IcapMessage {
    }

    /** The body (or the whole request when it has none) is complete. */
    record End() implements IcapMessage {
    }

    /** A malformed request: answer 400 and close. */
    record Malformed(String problem) implements IcapMessage {
    }
}
