package io.sekisho.extract;

import java.io.IOException;
import java.io.InputStream;

import org.apache.tika.exception.TikaException;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.parser.ParserDecorator;
import org.xml.sax.ContentHandler;
import org.xml.sax.SAXException;

/**
 * Refuses to parse documents nested deeper than the limit, and marks them so that they are
 * reported TRUNCATED instead of silently empty.
 *
 * <p>RecursiveParserWrapper passes the file and every embedded document through the parser it
 * wraps, so wrapping AutoDetectParser here sees every level. The depth lives in the
 * ParseContext because one parser instance serves all threads.
 */
final class NestingLimitParser extends ParserDecorator {
    private static final long serialVersionUID = 1L;

    /** Metadata key set on a document that was not parsed because it is nested too deep. */
    static final String TOO_DEEP = "X-Sekisho:too-deep";

    private final int maxDepth;

    NestingLimitParser(Parser parser, int maxDepth) {
        super(parser);
        this.maxDepth = maxDepth;
    }

    @Override
    public void parse(InputStream stream, ContentHandler handler, Metadata metadata, ParseContext context)
            throws IOException, SAXException, TikaException {
        Depth depth = context.get(Depth.class);
        if (depth == null) {
            depth = new Depth();
            context.set(Depth.class, depth);
        }
        depth.current++;
        try {
            // The file itself is depth 0.
            if (depth.current - 1 > maxDepth) {
                metadata.set(TOO_DEEP, "nested deeper than " + maxDepth + " levels");
                return;
            }
            super.parse(stream, handler, metadata, context);
        } finally {
            depth.current--;
        }
    }

    static final class Depth {
        int current;
    }
}
