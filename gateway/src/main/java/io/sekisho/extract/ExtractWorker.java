package io.sekisho.extract;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The main class of an extraction worker process: reads file paths on stdin, extracts each
 * with {@link TikaExtractor}, writes each result on stdout ({@link WorkerProtocol}).
 *
 * <p>Arguments are the limits as {@code key=value}. The worker holds nothing but the files it
 * is asked to read; when it hangs or runs out of memory the parent kills or replaces it.
 * Stdout carries protocol frames only: {@code System.out} is pointed at stderr before anything
 * else runs, so a parser or library that prints cannot corrupt the stream.
 */
public final class ExtractWorker {

    private ExtractWorker() {
    }

    public static void main(String[] args) throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)));
        System.setOut(System.err);
        DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in)));
        try (TikaExtractor extractor = new TikaExtractor(ExtractionLimits.fromProperties(parse(args)))) {
            WorkerProtocol.writeReady(out);
            for (String path = WorkerProtocol.readRequest(in); path != null; path = WorkerProtocol.readRequest(in)) {
                WorkerProtocol.writeResult(out, extract(extractor, path));
            }
        }
    }

    private static ExtractionResult extract(TikaExtractor extractor, String path) {
        try {
            return extractor.extract(Path.of(path));
        } catch (RuntimeException e) {
            // TikaExtractor should not throw; if it does, the file fails and the worker lives on.
            return ExtractionResult.failure(ExtractionStatus.FAILED,
                    "extraction error: " + PartVerdict.shortMessage(e.getClass().getName() + ": " + e.getMessage()));
        }
    }

    private static Properties parse(String[] args) {
        Properties properties = new Properties();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException("expected key=value, got " + arg);
            }
            properties.setProperty(arg.substring(0, equals), arg.substring(equals + 1));
        }
        return properties;
    }
}
