package io.sekisho.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Finds where a log ends when a writer opens it, and moves a torn tail aside.
 *
 * <p>A writer killed in the middle of a group leaves bytes after the last newline. They are
 * copied into {@code torn-<segment>-<offset>.bin}, made durable there, and only then cut from
 * the segment, so nothing is ever lost without a trace; the writer then records the move.
 */
final class LogTail {
    private LogTail() {
    }

    /** Where the chain ends. {@code torn} is null when the last segment ended cleanly. */
    record State(long seq, String hash, long segmentIndex, Instant segmentStarted, Torn torn) {
    }

    /** Bytes moved aside: from which segment and offset, how many, into which file (name in the log folder). */
    record Torn(String segment, long offset, long bytes, String movedTo, long afterSeq) {
    }

    static State recover(Path dir) throws IOException {
        List<Path> segments = Segments.list(dir);
        if (segments.isEmpty()) {
            return new State(0, Hashes.GENESIS, 1, Instant.now(), null);
        }
        Path last = segments.get(segments.size() - 1);
        byte[] bytes = Files.readAllBytes(last);
        int end = lastNewline(bytes, bytes.length) + 1;
        Torn torn = null;
        if (end < bytes.length) {
            torn = moveAside(dir, last, bytes, end);
            bytes = Arrays.copyOf(bytes, end);
        }
        Instant started = firstTime(bytes);
        for (int i = segments.size() - 1; i >= 0; i--) {
            byte[] data = i == segments.size() - 1 ? bytes : Files.readAllBytes(segments.get(i));
            if (data.length == 0) {
                continue;
            }
            RecordCodec.Decoded lastRecord = lastRecord(segments.get(i), data);
            Torn t = torn == null ? null : new Torn(torn.segment, torn.offset, torn.bytes, torn.movedTo, lastRecord.seq());
            return new State(lastRecord.seq(), lastRecord.hash(), Segments.index(last), started, t);
        }
        Torn t = torn == null ? null : new Torn(torn.segment, torn.offset, torn.bytes, torn.movedTo, 0);
        return new State(0, Hashes.GENESIS, Segments.index(last), started, t);
    }

    private static Torn moveAside(Path dir, Path segment, byte[] bytes, int offset) throws IOException {
        String name = segment.getFileName() + "";
        String base = "torn-" + name.substring(0, name.length() - ".jsonl".length()) + "-" + offset;
        Path target = dir.resolve(base + ".bin");
        for (int n = 2; Files.exists(target); n++) {
            target = dir.resolve(base + "-" + n + ".bin");
        }
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            out.write(java.nio.ByteBuffer.wrap(bytes, offset, bytes.length - offset));
            out.force(true);
        }
        try (FileChannel seg = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            seg.truncate(offset);
            seg.force(true);
        }
        return new Torn(name, offset, bytes.length - offset, target.getFileName().toString(), 0);
    }

    /** The last complete record; a damaged one is not guessed around: a person must look (audit verify). */
    private static RecordCodec.Decoded lastRecord(Path segment, byte[] data) throws IOException {
        int end = data.length - 1;
        int start = lastNewline(data, end) + 1;
        RecordCodec.Decoded d;
        try {
            d = RecordCodec.decode(data, start, end - start);
        } catch (IOException e) {
            throw new IOException("the last record of " + segment.getFileName() + " (offset " + start
                    + ") is damaged (" + e.getMessage() + "); run 'sekisho audit verify'", e);
        }
        if (!d.hashMatches()) {
            throw new IOException("the last record of " + segment.getFileName() + " (seq " + d.seq()
                    + ") does not match its hash; run 'sekisho audit verify'");
        }
        return d;
    }

    private static Instant firstTime(byte[] data) {
        int end = indexOf(data, (byte) '\n');
        if (end < 0) {
            return Instant.now();
        }
        try {
            return Instant.parse(RecordCodec.decode(data, 0, end).json().path("time").asText());
        } catch (IOException | RuntimeException e) {
            return Instant.now();
        }
    }

    /** Index of the last newline before {@code limit}, or -1. */
    static int lastNewline(byte[] data, int limit) {
        for (int i = limit - 1; i >= 0; i--) {
            if (data[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] data, byte b) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
