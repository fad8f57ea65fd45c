package io.sekisho.extract.hostile;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.tika.metadata.Metadata;
import org.apache.tika.mime.MediaType;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.xml.sax.ContentHandler;

/**
 * A test-only parser that behaves like the worst real parser bugs: it loops forever or eats all
 * memory. It is registered for made-up types that only files starting with
 * {@code SEKISHO-HOSTILE-LOOP} or {@code SEKISHO-HOSTILE-OOM} have (see custom-mimetypes.xml in
 * the test resources), so no ordinary file ever reaches it.
 *
 * <p>Never give such a file to an in-process extractor: it would hang or kill the test JVM.
 */
public final class HostileParser implements Parser {
    private static final long serialVersionUID = 1L;

    public static final MediaType LOOP = MediaType.application("x-sekisho-hostile-loop");
    public static final MediaType OOM = MediaType.application("x-sekisho-hostile-oom");

    /** Where allocations go, so that the JIT cannot drop them. */
    private static final List<long[]> HOARD = new ArrayList<>();

    @Override
    public Set<MediaType> getSupportedTypes(ParseContext context) {
        return Set.of(LOOP, OOM);
    }

    @Override
    public void parse(InputStream stream, ContentHandler handler, Metadata metadata, ParseContext context) {
        String type = metadata.get(Metadata.CONTENT_TYPE);
        if (type != null && type.startsWith(OOM.toString())) {
            exhaustMemory();
        } else {
            loopForever();
        }
    }

    private static void exhaustMemory() {
        while (true) {
            HOARD.add(new long[1 << 20]);
        }
    }

    @SuppressWarnings("InfiniteLoopStatement")
    private static void loopForever() {
        long spins = 0;
        while (true) {
            spins++;
            if (spins == Long.MIN_VALUE) {
                HOARD.clear();
            }
        }
    }
}
