package io.sekisho.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Names and finds segment files: {@code audit-000001.jsonl}, numbered without gaps from 1. */
final class Segments {
    private static final Pattern NAME = Pattern.compile("audit-(\\d{6,})\\.jsonl");

    private Segments() {
    }

    static String name(long index) {
        return String.format("audit-%06d.jsonl", index);
    }

    /** The segment number in a file name, or -1 when the name is not a segment's. */
    static long index(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** The segments in a log folder, in order. */
    static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> index(f) > 0)
                    .sorted((a, b) -> Long.compare(index(a), index(b)))
                    .toList();
        }
    }
}
