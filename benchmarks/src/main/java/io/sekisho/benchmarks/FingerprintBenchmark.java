package io.sekisho.benchmarks;

import io.sekisho.fingerprint.FingerprintScheme;
import io.sekisho.fingerprint.Fingerprints;
import io.sekisho.fingerprint.NormalizedText;
import io.sekisho.fingerprint.TextNormalizer;
import io.sekisho.fingerprint.Winnower;
import io.sekisho.testing.TextGen;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Normalise + fingerprint, the per-byte cost every inspected file pays. Each text is cut to
 * 1,000,000 bytes of UTF-8, so operations per second read directly as MB of text per second
 * (one thread: per core).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class FingerprintBenchmark {
    static final int BYTES = 1_000_000;

    @Param({"latin", "japanese", "mixed"})
    public String script;

    private String text;
    private NormalizedText normalized;
    private final Winnower winnower = new Winnower(FingerprintScheme.DEFAULT);

    @Setup
    public void setUp() {
        Random random = new Random(42);
        StringBuilder sb = new StringBuilder();
        while (sb.toString().getBytes(StandardCharsets.UTF_8).length < BYTES) {
            switch (script) {
                case "latin" -> sb.append(TextGen.latin(random, 100_000)).append('\n');
                case "japanese" -> sb.append(TextGen.japanese(random, 30_000)).append('\n');
                default -> sb.append(TextGen.latin(random, 20_000)).append('\n')
                        .append(TextGen.japanese(random, 5_000)).append('\n');
            }
        }
        text = cutToBytes(sb.toString(), BYTES);
        normalized = TextNormalizer.normalize(text);
    }

    @Benchmark
    public Fingerprints normaliseAndFingerprint() {
        return winnower.fingerprint(TextNormalizer.normalize(text));
    }

    /** The two halves apart, to see which one to work on. */
    @Benchmark
    public NormalizedText normaliseOnly() {
        return TextNormalizer.normalize(text);
    }

    @Benchmark
    public Fingerprints fingerprintOnly() {
        return winnower.fingerprint(normalized);
    }

    static String cutToBytes(String s, int bytes) {
        int chars = 0;
        int used = 0;
        while (chars < s.length()) {
            int cp = s.codePointAt(chars);
            int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (used + len > bytes) {
                break;
            }
            used += len;
            chars += Character.charCount(cp);
        }
        return s.substring(0, chars);
    }
}
