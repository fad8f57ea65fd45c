package io.sekisho.extract;

import java.io.Serializable;
import java.util.List;

import org.apache.tika.exception.WriteLimitReachedException;
import org.apache.tika.sax.ContentHandlerFactory;
import org.apache.tika.sax.ToTextContentHandler;
import org.xml.sax.ContentHandler;
import org.xml.sax.SAXException;

/**
 * The characters one file may still produce, shared by the text handlers of all its parts.
 *
 * <p>Tika's own write limit is per part (its total limit in RecursiveParserWrapper is not
 * applied in 3.x), so a zip of many large entries would pass it; this budget is per file.
 * It also stops a zip bomb: text far larger than the file on disk.
 */
final class TextBudget implements ContentHandlerFactory {
    private static final long serialVersionUID = 1L;

    private final long maxCharacters;
    private final long bombThreshold;
    private final long bombCharacters;
    private final long limitsRatio;
    private long used;
    private String cutReason;

    TextBudget(ExtractionLimits limits, long fileBytes) {
        this.maxCharacters = limits.maxCharactersPerFile();
        this.bombThreshold = limits.zipBombThresholdCharacters();
        this.bombCharacters = saturatedMultiply(Math.max(1, fileBytes), limits.maxCompressionRatio());
        this.limitsRatio = limits.maxCompressionRatio();
    }

    /**
     * The most characters a file of {@code fileBytes} may produce before it counts as a zip bomb:
     * {@code zip.bomb.threshold.characters}, or {@code zip.bomb.max.compression.ratio} per byte of
     * the file when that is more.
     */
    static long bombBound(ExtractionLimits limits, long fileBytes) {
        return Math.max(limits.zipBombThresholdCharacters(),
                saturatedMultiply(Math.max(1, fileBytes), limits.maxCompressionRatio()));
    }

    /**
     * A file's whole text, read without Tika, as a one-part result: the text through a budget of
     * its own in one piece (what a budgeted handler would keep of it, without the copies into and
     * out of the handler's writer), TRUNCATED with the reason when the budget cut it.
     */
    static ExtractionResult onePart(ExtractionLimits limits, String name, String mediaType, long size, String text) {
        TextBudget budget = new TextBudget(limits, size);
        String kept = budget.keep(text);
        String cut = budget.cutReason();
        ExtractionStatus status = cut == null ? ExtractionStatus.COMPLETE : ExtractionStatus.TRUNCATED;
        return ExtractionResult.of(List.of(new ExtractedPart(name, mediaType, size, status, cut, kept)));
    }

    /** Why the text was cut short, or null when it was not. */
    String cutReason() {
        return cutReason;
    }

    @Override
    public ContentHandler getNewContentHandler() {
        return new BudgetedTextHandler();
    }

    @Override
    public ContentHandler getNewContentHandler(java.io.OutputStream os, java.nio.charset.Charset charset) {
        throw new UnsupportedOperationException("text is kept in memory, per part");
    }

    /**
     * What a handler of this budget would keep of {@code text} given in one piece: the text itself,
     * or the start of it the budget allows (with {@link #cutReason} set), without copying it through
     * a handler when all of it fits.
     */
    String keep(String text) {
        int allowed = take(text.length());
        return allowed == text.length() ? text : text.substring(0, allowed);
    }

    /** How many of {@code length} more characters may be kept; records the reason when not all. */
    private int take(int length) {
        long allowed = Math.min(length, maxCharacters - used);
        if (used + length > bombThreshold && used + length > bombCharacters) {
            allowed = Math.max(0, Math.min(allowed, bombCharacters - used));
            cutReason = cutReason != null ? cutReason
                    : "zip bomb: text more than " + limitsRatio + " times the file size";
        } else if (allowed < length) {
            cutReason = cutReason != null ? cutReason : "character limit reached (" + maxCharacters + ")";
        }
        allowed = Math.max(0, allowed);
        used += allowed;
        return (int) allowed;
    }

    private static long saturatedMultiply(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        return high == 0 && a * b >= 0 ? a * b : Long.MAX_VALUE;
    }

    private final class BudgetedTextHandler extends ToTextContentHandler {
        @Override
        public void characters(char[] ch, int start, int length) throws SAXException {
            int allowed = take(length);
            super.characters(ch, start, allowed);
            if (allowed < length) {
                throw new WriteLimitReachedException((int) Math.min(Integer.MAX_VALUE, maxCharacters));
            }
        }

        @Override
        public void ignorableWhitespace(char[] ch, int start, int length) throws SAXException {
            int allowed = take(length);
            super.ignorableWhitespace(ch, start, allowed);
            if (allowed < length) {
                throw new WriteLimitReachedException((int) Math.min(Integer.MAX_VALUE, maxCharacters));
            }
        }
    }
}
