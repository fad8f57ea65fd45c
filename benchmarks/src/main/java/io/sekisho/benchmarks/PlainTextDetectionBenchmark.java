package io.sekisho.benchmarks;

import io.sekisho.extract.PlainTextDetection;
import io.sekisho.testing.TextGen;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MimeTypes;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * "Is this part plain text?" per part, the question the gateway asks of every small text part
 * before decoding it in process (docs/adr/0011): tika-core's {@code MimeTypes.detect} against
 * {@link PlainTextDetection}, which gives the same answer. Both answers are checked equal in setup.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PlainTextDetectionBenchmark {
    private static final int TEXT_BYTES = 10 * 1024;

    /** 10 KiB of ASCII prose, 10 KiB of Japanese UTF-8, a small HTML page (named .txt, as a mislabelled upload). */
    @Param({"ascii-10k", "japanese-10k", "html"})
    public String part;

    private final MimeTypes types = MimeTypes.getDefaultMimeTypes();
    private final PlainTextDetection detection = PlainTextDetection.standard();
    private byte[] bytes;
    private final String name = "body.txt";

    @Setup
    public void setUp() throws IOException {
        Random random = new Random(42);
        bytes = switch (part) {
            case "ascii-10k" -> cut(TextGen.latin(random, TEXT_BYTES * 2).getBytes(StandardCharsets.US_ASCII));
            case "japanese-10k" -> cut(TextGen.japanese(random, TEXT_BYTES).getBytes(StandardCharsets.UTF_8));
            case "html" -> ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Figures</title></head>"
                    + "<body><p>" + TextGen.latin(random, 600) + "</p></body></html>\n").getBytes(StandardCharsets.UTF_8);
            default -> throw new IllegalArgumentException("unknown part " + part);
        };
        if (tika() != detection.isPlainText(name, bytes)) {
            throw new IllegalStateException("the two detections disagree on " + part);
        }
    }

    /** At a character boundary at or before 10 KiB. */
    private static byte[] cut(byte[] utf8) {
        int end = TEXT_BYTES;
        while ((utf8[end] & 0xc0) == 0x80) {
            end--;
        }
        return Arrays.copyOf(utf8, end);
    }

    @Benchmark
    public boolean tika() throws IOException {
        Metadata metadata = new Metadata();
        metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, name);
        return MediaType.TEXT_PLAIN.equals(types.detect(new ByteArrayInputStream(bytes), metadata));
    }

    @Benchmark
    public boolean compiled() {
        return detection.isPlainText(name, bytes);
    }
}
