package io.sekisho.extract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Every limit on extraction. The checked-in {@code extraction-limits.properties} next to this
 * class is the one place they are set; {@link #defaults()} loads it, tests change single values
 * with the {@code withXxx} methods.
 *
 * @param maxFileBytes             files larger than this are not parsed (TRUNCATED)
 * @param maxNestingDepth          embedded documents deeper than this are not parsed (TRUNCATED)
 * @param maxEmbeddedEntries       at most this many embedded documents per file
 * @param maxCharactersPerFile     at most this many characters of text per file, all parts together
 * @param wallTimeMillis           time one file may take in a worker before the worker is killed
 * @param maxCompressionRatio      characters per byte on disk beyond which a file is a zip bomb
 * @param zipBombThresholdCharacters characters extracted before the ratio is checked
 * @param workerHeap               the -Xmx value of a worker process, e.g. {@code 512m}
 * @param workerCount              number of worker processes; {@code auto} in the file means one per
 *                                 core, at least {@value #MIN_AUTO_WORKERS} and at most {@value #MAX_AUTO_WORKERS}
 * @param maxInProcessTextBytes    plain-text files up to this size are decoded in the calling process
 *                                 instead of a worker (docs/adr/0011); 0 sends every file to a worker
 */
public record ExtractionLimits(long maxFileBytes, int maxNestingDepth, int maxEmbeddedEntries,
                               int maxCharactersPerFile, long wallTimeMillis, long maxCompressionRatio,
                               long zipBombThresholdCharacters, String workerHeap, int workerCount,
                               long maxInProcessTextBytes) {

    static final String RESOURCE = "extraction-limits.properties";

    static final String MAX_FILE_BYTES = "max.file.bytes";
    static final String MAX_NESTING_DEPTH = "max.nesting.depth";
    static final String MAX_EMBEDDED_ENTRIES = "max.embedded.entries";
    static final String MAX_CHARACTERS_PER_FILE = "max.characters.per.file";
    static final String WALL_TIME_PER_FILE_MS = "wall.time.per.file.ms";
    static final String ZIP_BOMB_MAX_COMPRESSION_RATIO = "zip.bomb.max.compression.ratio";
    static final String ZIP_BOMB_THRESHOLD_CHARACTERS = "zip.bomb.threshold.characters";
    static final String WORKER_HEAP = "worker.heap";
    static final String WORKER_COUNT = "worker.count";
    static final String IN_PROCESS_TEXT_MAX_BYTES = "in.process.text.max.bytes";

    /** Below two, one slow file would hold up every other transfer. */
    static final int MIN_AUTO_WORKERS = 2;
    /** Each worker costs its heap and a JVM; beyond this, more cores are better spent matching. */
    static final int MAX_AUTO_WORKERS = 8;
    private static final String AUTO = "auto";

    private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[kKmMgG]?");

    public ExtractionLimits {
        positive(MAX_FILE_BYTES, maxFileBytes);
        atLeast(MAX_NESTING_DEPTH, maxNestingDepth, 0);
        atLeast(MAX_EMBEDDED_ENTRIES, maxEmbeddedEntries, 0);
        positive(MAX_CHARACTERS_PER_FILE, maxCharactersPerFile);
        positive(WALL_TIME_PER_FILE_MS, wallTimeMillis);
        positive(ZIP_BOMB_MAX_COMPRESSION_RATIO, maxCompressionRatio);
        positive(ZIP_BOMB_THRESHOLD_CHARACTERS, zipBombThresholdCharacters);
        if (workerHeap == null || !HEAP.matcher(workerHeap).matches()) {
            throw new IllegalArgumentException(WORKER_HEAP + ": not a heap size like 512m: " + workerHeap);
        }
        positive(WORKER_COUNT, workerCount);
        atLeast(IN_PROCESS_TEXT_MAX_BYTES, maxInProcessTextBytes, 0);
    }

    /** The checked-in limits. */
    public static ExtractionLimits defaults() {
        Properties properties = new Properties();
        try (InputStream in = ExtractionLimits.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fromProperties(properties);
    }

    /** Reads limits from properties with the keys of the checked-in file; every key is required. */
    public static ExtractionLimits fromProperties(Properties p) {
        return new ExtractionLimits(
                longValue(p, MAX_FILE_BYTES), intValue(p, MAX_NESTING_DEPTH), intValue(p, MAX_EMBEDDED_ENTRIES),
                intValue(p, MAX_CHARACTERS_PER_FILE), longValue(p, WALL_TIME_PER_FILE_MS),
                longValue(p, ZIP_BOMB_MAX_COMPRESSION_RATIO), longValue(p, ZIP_BOMB_THRESHOLD_CHARACTERS),
                value(p, WORKER_HEAP), workerCount(p), longValue(p, IN_PROCESS_TEXT_MAX_BYTES));
    }

    /** The limits as properties, the inverse of {@link #fromProperties}; used to hand them to workers. */
    public Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put(MAX_FILE_BYTES, Long.toString(maxFileBytes));
        map.put(MAX_NESTING_DEPTH, Integer.toString(maxNestingDepth));
        map.put(MAX_EMBEDDED_ENTRIES, Integer.toString(maxEmbeddedEntries));
        map.put(MAX_CHARACTERS_PER_FILE, Integer.toString(maxCharactersPerFile));
        map.put(WALL_TIME_PER_FILE_MS, Long.toString(wallTimeMillis));
        map.put(ZIP_BOMB_MAX_COMPRESSION_RATIO, Long.toString(maxCompressionRatio));
        map.put(ZIP_BOMB_THRESHOLD_CHARACTERS, Long.toString(zipBombThresholdCharacters));
        map.put(WORKER_HEAP, workerHeap);
        map.put(WORKER_COUNT, Integer.toString(workerCount));
        map.put(IN_PROCESS_TEXT_MAX_BYTES, Long.toString(maxInProcessTextBytes));
        return map;
    }

    public ExtractionLimits withMaxFileBytes(long value) {
        return new ExtractionLimits(value, maxNestingDepth, maxEmbeddedEntries, maxCharactersPerFile,
                wallTimeMillis, maxCompressionRatio, zipBombThresholdCharacters, workerHeap, workerCount,
                maxInProcessTextBytes);
    }

    public ExtractionLimits withMaxNestingDepth(int value) {
        return new ExtractionLimits(maxFileBytes, value, maxEmbeddedEntries, maxCharactersPerFile,
                wallTimeMillis, maxCompressionRatio, zipBombThresholdCharacters, workerHeap, workerCount,
                maxInProcessTextBytes);
    }

    public ExtractionLimits withMaxEmbeddedEntries(int value) {
        return new ExtractionLimits(maxFileBytes, maxNestingDepth, value, maxCharactersPerFile,
                wallTimeMillis, maxCompressionRatio, zipBombThresholdCharacters, workerHeap, workerCount,
                maxInProcessTextBytes);
    }

    public ExtractionLimits withMaxCharactersPerFile(int value) {
        return new ExtractionLimits(maxFileBytes, maxNestingDepth, maxEmbeddedEntries, value,
                wallTimeMillis, maxCompressionRatio, zipBombThresholdCharacters, workerHeap, workerCount,
                maxInProcessTextBytes);
    }

    public ExtractionLimits withWallTimeMillis(long value) {
        return new ExtractionLimits(maxFileBytes, maxNestingDepth, maxEmbeddedEntries, maxCharactersPerFile,
                value, maxCompressionRatio, zipBombThresholdCharacters, workerHeap, workerCount,
                maxInProcessTextBytes);
    }

    public ExtractionLimits withMaxCompressionRatio(long value) {
        return new ExtractionLimits(maxFileBytes, maxNestingDepth, maxEmbeddedEntries, maxCharactersPerFile,
                wallTimeMillis, value, zipBombThresholdCharacters, workerHeap, workerCount,
                maxInProcessTextBytes);
    }

    public ExtractionLimits withZipBombThresholdCharacters(long value) {
        return new ExtractionLimits(maxFileBytes, maxNestingDepth, maxEmbeddedEntries, maxCharactersPerFile,
                wallTimeMillis, maxCompressionRatio, value, workerHeap, workerCount,
                maxInProcessTextBytes);
    }

    public ExtractionLimits withWorkerHeap(String value) {
        return new ExtractionLimits(maxFileBytes, maxNestingDepth, maxEmbeddedEntries, maxCharactersPerFile,
                wallTimeMillis, maxCompressionRatio, zipBombThresholdCharacters, value, workerCount,
                maxInProcessTextBytes);
    }

    public ExtractionLimits withWorkerCount(int value) {
        return new ExtractionLimits(maxFileBytes, maxNestingDepth, maxEmbeddedEntries, maxCharactersPerFile,
                wallTimeMillis, maxCompressionRatio, zipBombThresholdCharacters, workerHeap, value,
                maxInProcessTextBytes);
    }

    public ExtractionLimits withMaxInProcessTextBytes(long value) {
        return new ExtractionLimits(maxFileBytes, maxNestingDepth, maxEmbeddedEntries, maxCharactersPerFile,
                wallTimeMillis, maxCompressionRatio, zipBombThresholdCharacters, workerHeap, workerCount, value);
    }

    /** A number, or {@code auto}: one worker per core, within the bounds above. */
    private static int workerCount(Properties p) {
        if (AUTO.equalsIgnoreCase(value(p, WORKER_COUNT))) {
            int cores = Runtime.getRuntime().availableProcessors();
            return Math.max(MIN_AUTO_WORKERS, Math.min(MAX_AUTO_WORKERS, cores));
        }
        return intValue(p, WORKER_COUNT);
    }

    private static String value(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + ": missing");
        }
        return value.trim();
    }

    private static long longValue(Properties p, String key) {
        String value = value(p, key);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": not a whole number: " + value);
        }
    }

    private static int intValue(Properties p, String key) {
        long value = longValue(p, key);
        if (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
            throw new IllegalArgumentException(key + ": too large: " + value);
        }
        return (int) value;
    }

    private static void positive(String key, long value) {
        atLeast(key, value, 1);
    }

    private static void atLeast(String key, long value, long minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(key + ": must be at least " + minimum + ", was " + value);
        }
    }
}
