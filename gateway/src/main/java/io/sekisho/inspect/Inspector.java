package io.sekisho.inspect;

import io.sekisho.extract.ExtractionResult;
import io.sekisho.extract.Extractor;
import io.sekisho.match.Match;
import io.sekisho.match.Matcher;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Runs the content stages for one file: extract, then fingerprint and match.
 *
 * <p>The matcher is asked for anew on each call, so that a long-running caller (the gateway)
 * sees catalogue changes as soon as the supplier hands out a refreshed snapshot, while a single
 * inspection always works against one consistent catalogue.
 */
public final class Inspector {
    private final Extractor extractor;
    private final Supplier<Matcher> matchers;

    public Inspector(Extractor extractor, Supplier<Matcher> matchers) {
        this.extractor = Objects.requireNonNull(extractor, "extractor");
        this.matchers = Objects.requireNonNull(matchers, "matchers");
    }

    public Inspection inspect(String name, Path file) {
        return inspect(name, file, null);
    }

    /** @param declaredType the media type the sender declared, or null (see {@link Extractor#extract(Path, String)}) */
    public Inspection inspect(String name, Path file, String declaredType) {
        return inspect(name, file, declaredType, false);
    }

    /** @param gatewayText the file is text the gateway wrote itself (see {@link Extractor#extract(Path, String, boolean)}) */
    public Inspection inspect(String name, Path file, String declaredType, boolean gatewayText) {
        return matched(name, extractor.extract(file, declaredType, gatewayText));
    }

    /**
     * Inspects content held in memory: no file is made unless the extractor needs one
     * (see {@link Extractor#extract(String, byte[], String, boolean, Extractor.FileSource)}).
     *
     * @param fileName the name the content has as a file (the last part of {@code name}, made safe)
     */
    public Inspection inspect(String name, String fileName, byte[] bytes, String declaredType, boolean gatewayText,
                              Extractor.FileSource asFile) {
        return matched(name, extractor.extract(fileName, bytes, declaredType, gatewayText, asFile));
    }

    private Inspection matched(String name, ExtractionResult extraction) {
        // Parts that failed still contribute whatever text they produced: a truncated part's
        // first megabytes can hold the excerpt, and the policy sees both facts.
        List<Match> matches = matchers.get().match(extraction.parts());
        return new Inspection(name, extraction, matches);
    }
}
