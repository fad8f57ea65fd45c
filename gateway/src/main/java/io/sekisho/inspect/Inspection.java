package io.sekisho.inspect;

import io.sekisho.extract.ExtractionResult;
import io.sekisho.extract.ExtractionStatus;
import io.sekisho.match.Match;

import java.util.List;

/**
 * What inspection found in one file: how its text was extracted and which catalogue documents
 * appear in it. The policy stage (later) decides on this; {@code scan} prints it.
 *
 * @param name       how the file is named in reports (the path as the user gave it)
 * @param extraction the extraction result, parts included
 * @param matches    catalogue documents found, most severe classification first
 */
public record Inspection(String name, ExtractionResult extraction, List<Match> matches) {
    public Inspection {
        matches = List.copyOf(matches);
    }

    /** True when every part was extracted completely, so the absence of matches means something. */
    public boolean inspected() {
        return extraction.status() == ExtractionStatus.COMPLETE;
    }

    public boolean matched() {
        return !matches.isEmpty();
    }
}
