package io.sekisho.extract;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.tika.detect.TextDetector;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MimeTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers "would tika-core's {@link MimeTypes#detect} call these bytes with this name exactly
 * {@code text/plain}?", with Tika's answer always and in microseconds for ordinary text.
 *
 * <p>{@code MimeTypes.detect} first evaluates every magic rule; only when none matches does it
 * fall back to {@link TextDetector} on the first {@link MimeTypes#getMinLength()} bytes, and then
 * let the name's type replace that when it is the same or more specific (a {@code .html} or
 * {@code .csv} name turns text into its type; a {@code .txt} name turns bytes that are not text
 * into text). Here the magic rules are compiled once ({@link MagicRules}); when one matches, or
 * might, Tika's own {@code detect} answers, so every decision that involves a format is Tika's.
 * When none matches, the answer is assembled from the same public parts Tika uses: its
 * {@code TextDetector}, its name detection ({@code detect} without bytes) and its type registry.
 *
 * <p>If the rules cannot be read (another tika-core with another shape), every call goes to
 * Tika's {@code detect}, as before this class existed, and a warning says so once.
 */
public final class PlainTextDetection {

    private static final Logger LOG = LoggerFactory.getLogger(PlainTextDetection.class);

    /** Names whose type is remembered, at most; they come from senders, so the memory is bounded. */
    static final int NAMED_TYPES_MAX = 4096;
    static final int NAMED_TYPE_NAME_MAX = 256;

    private final MimeTypes types;
    private final MagicRules rules;
    /**
     * Tika's type for a name alone, by name. For a name that no extension or exact name matches
     * (an API endpoint such as {@code /upload}, a file without extension) tika-core tries every
     * glob with {@code String.matches}, compiling each pattern again on every call.
     */
    private final Map<String, MediaType> namedTypes = new ConcurrentHashMap<>();

    PlainTextDetection(MimeTypes types) {
        this.types = types;
        this.rules = compile(types);
    }

    /** The detection for tika-core's default registry, compiled once per process. */
    public static PlainTextDetection standard() {
        return Standard.INSTANCE;
    }

    private static final class Standard {
        static final PlainTextDetection INSTANCE = new PlainTextDetection(MimeTypes.getDefaultMimeTypes());
    }

    private static MagicRules compile(MimeTypes types) {
        try {
            return MagicRules.compile(types);
        } catch (MagicRules.UnexpectedRegistryException e) {
            LOG.warn("Plain-text detection runs Tika's full detection on every part (slower, same answers): {}",
                    e.getMessage());
            return null;
        }
    }

    /**
     * True when tika-core's {@code MimeTypes.detect} says exactly {@code text/plain} for
     * {@code bytes} named {@code name} (a file name, or null for none).
     */
    public boolean isPlainText(String name, byte[] bytes) {
        return verdict(name, bytes).plainText();
    }

    /** The answer, and whether Tika's full detection gave it. */
    record Verdict(boolean plainText, boolean byTika) {
    }

    /** True when the magic rules were compiled, so that text is detected without Tika's full detection. */
    boolean compiled() {
        return rules != null;
    }

    MagicRules rules() {
        return rules;
    }

    Verdict verdict(String name, byte[] bytes) {
        Metadata metadata = new Metadata();
        metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, name);
        int minLength = types.getMinLength();
        int length = Math.min(bytes.length, minLength);
        try {
            // Tika calls no bytes octet-stream before any rule, so empty input is left to it as well.
            if (rules == null || length == 0 || rules.anyMatches(bytes, length)) {
                return new Verdict(MediaType.TEXT_PLAIN.equals(types.detect(new ByteArrayInputStream(bytes), metadata)),
                        true);
            }
            MediaType content = new TextDetector(minLength).detect(new ByteArrayInputStream(bytes, 0, length),
                    new Metadata());
            // Without bytes, detect returns the name's type, or octet-stream when it ignores the name
            // (no name, none registered, or a script's name in an http URL); octet-stream as a hint
            // leaves the content's type as it is, as Tika's ignoring it does.
            MediaType named = named(name, metadata);
            return new Verdict(MediaType.TEXT_PLAIN.equals(hinted(content, named)), false);
        } catch (IOException e) {
            // Not from an in-memory stream; if it were, the part goes to a worker.
            return new Verdict(false, true);
        }
    }

    /** {@code types.detect(null, metadata)} for a metadata that holds only the name: a function of the name. */
    private MediaType named(String name, Metadata metadata) throws IOException {
        if (name == null || name.length() > NAMED_TYPE_NAME_MAX) {
            return types.detect(null, metadata);
        }
        MediaType known = namedTypes.get(name);
        if (known != null) {
            return known;
        }
        MediaType type = types.detect(null, metadata);
        if (namedTypes.size() >= NAMED_TYPES_MAX) {
            namedTypes.clear();
        }
        namedTypes.put(name, type);
        return type;
    }

    /** Names whose type is remembered now; for tests. */
    int rememberedNames() {
        return namedTypes.size();
    }

    /** {@code MimeTypes.applyHint} for the one type found without magic. */
    private MediaType hinted(MediaType content, MediaType named) {
        boolean specialises = named.equals(content) || types.getMediaTypeRegistry().isSpecializationOf(named, content);
        return specialises ? named : content;
    }
}
