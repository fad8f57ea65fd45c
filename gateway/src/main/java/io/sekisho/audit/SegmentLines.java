package io.sekisho.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Walks the lines of one segment file, with where each starts, and what is left after the last newline. */
final class SegmentLines {
    private SegmentLines() {
    }

    interface Visitor {
        /** One complete line (newline excluded); {@code line} counts from 1. */
        void line(byte[] data, int offset, int length, long line) throws IOException;
    }

    /** Visits each complete line; returns the offset after the last newline (the file length when nothing is left over). */
    static int walk(Path segment, Visitor visitor) throws IOException {
        byte[] data = Files.readAllBytes(segment);
        int start = 0;
        long line = 0;
        for (int i = 0; i < data.length; i++) {
            if (data[i] == '\n') {
                visitor.line(data, start, i - start, ++line);
                start = i + 1;
            }
        }
        return start;
    }

    /** The file length, for telling a torn tail's size. */
    static long size(Path segment) throws IOException {
        return Files.size(segment);
    }
}
