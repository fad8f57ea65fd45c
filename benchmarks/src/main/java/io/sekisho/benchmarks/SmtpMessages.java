package io.sekisho.benchmarks;

import io.sekisho.testing.Formats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes the messages of the SMTP benchmark ({@code benchmarks/smtp-bench.sh}) into a folder:
 * {@code plain-10k.eml}, {@code plain-100k.eml}, {@code plain-1m.eml} (a text/plain body of
 * generated prose) and {@code docx-10k.eml}, {@code docx-100k.eml}, {@code docx-1m.eml} (a short
 * body and a Word attachment of generated prose, sized so that the whole message is about the
 * same size). The prose is made of invented words from a fixed seed: it matches no catalogue
 * document and carries no classification marking, so the default policy lets it through.
 * Lines end in LF only: smtp-source {@code -F} appends CRLF to each line itself, and
 * {@link SmtpLoad} does the same.
 * Usage: {@code java -cp benchmarks/target/benchmarks.jar io.sekisho.benchmarks.SmtpMessages DIR}.
 */
public final class SmtpMessages {
    static final String FROM = "bench@corp.example.co.jp";
    static final String TO = "partner@example.com";

    private SmtpMessages() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "smtp-messages"));
        int[] sizes = {10 * 1024, 100 * 1024, 1024 * 1024};
        String[] names = {"10k", "100k", "1m"};
        for (int i = 0; i < sizes.length; i++) {
            Path plain = dir.resolve("plain-" + names[i] + ".eml");
            Files.write(plain, plain(sizes[i], i).getBytes(StandardCharsets.US_ASCII));
            Path docx = dir.resolve("docx-" + names[i] + ".eml");
            Files.write(docx, withDocx(sizes[i], 100 + i, dir).getBytes(StandardCharsets.US_ASCII));
            System.out.printf(Locale.ROOT, "%s %,d bytes; %s %,d bytes%n", plain.getFileName(), Files.size(plain),
                    docx.getFileName(), Files.size(docx));
        }
    }

    private static String headers(String subject, String contentType, long seed) {
        return "From: Bench Sender <" + FROM + ">\n"
                + "To: Partner <" + TO + ">\n"
                + "Subject: " + subject + "\n"
                + "Date: Thu, 26 Nov 2026 10:00:00 +0900\n"
                + "Message-ID: <bench-" + seed + "@corp.example.co.jp>\n"
                + "MIME-Version: 1.0\n"
                + "Content-Type: " + contentType + "\n";
    }

    /** A text/plain message of about {@code size} bytes in all. */
    static String plain(int size, long seed) {
        String head = headers("Plain message of " + size + " bytes", "text/plain; charset=US-ASCII", seed)
                + "Content-Transfer-Encoding: 7bit\n\n";
        return head + prose(size - head.length(), seed, 72) + "\n";
    }

    /** A short body and a .docx attachment; the whole message is about {@code size} bytes. */
    static String withDocx(int size, long seed, Path dir) throws IOException {
        String boundary = "sekisho-bench-" + seed;
        String head = headers("Document attached (" + size + " bytes)", "multipart/mixed; boundary=\"" + boundary + "\"", seed)
                + "\n--" + boundary + "\n"
                + "Content-Type: text/plain; charset=US-ASCII\n\n"
                + "Hello,\n\nplease find the meeting notes attached.\n\nRegards\n"
                + "--" + boundary + "\n"
                + "Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document; name=\"notes.docx\"\n"
                + "Content-Disposition: attachment; filename=\"notes.docx\"\n"
                + "Content-Transfer-Encoding: base64\n\n";
        String tail = "--" + boundary + "--\n";
        // base64 with 76-character lines and LF: 4/3 * 77/76 bytes per docx byte.
        long wantDocx = (long) ((size - head.length() - tail.length()) * 3.0 / 4.0 * 76.0 / 77.0);
        Path work = Files.createDirectories(dir.resolve("docx-work-" + seed));
        int chars = (int) (wantDocx * 2.5);
        byte[] docx = null;
        for (int round = 0; round < 6; round++) {
            docx = docx(prose(chars, seed, 0), work);
            if (Math.abs(docx.length - wantDocx) < wantDocx / 200 + 64) {
                break;
            }
            chars = (int) Math.max(200, chars + (wantDocx - docx.length) * ((double) chars / docx.length));
        }
        deleteTree(work);
        return head + Base64.getMimeEncoder(76, new byte[] {'\n'}).encodeToString(docx) + "\n" + tail;
    }

    private static byte[] docx(String text, Path work) throws IOException {
        Path file = Formats.docx(text, work);
        byte[] bytes = Files.readAllBytes(file);
        Files.delete(file);
        return bytes;
    }

    /**
     * {@code length} characters of invented words (from a 3,000-word vocabulary with a skewed
     * frequency, so it compresses about as well as real prose), in sentences; wrapped at
     * {@code width} when it is positive.
     */
    static String prose(int length, long seed, int width) {
        SplittableRandom vocabularyRandom = new SplittableRandom(42);
        String[] vocabulary = new String[3000];
        String consonants = "bcdfghklmnprstvwz";
        String vowels = "aeiou";
        for (int i = 0; i < vocabulary.length; i++) {
            StringBuilder w = new StringBuilder();
            int syllables = 1 + vocabularyRandom.nextInt(4);
            for (int s = 0; s < syllables; s++) {
                w.append(consonants.charAt(vocabularyRandom.nextInt(consonants.length())));
                w.append(vowels.charAt(vocabularyRandom.nextInt(vowels.length())));
            }
            vocabulary[i] = w.toString();
        }
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder out = new StringBuilder(length + 100);
        int lineStart = 0;
        boolean sentenceStart = true;
        while (out.length() < length) {
            // Skewed: low indexes are far more frequent (roughly Zipf-like).
            double u = random.nextDouble();
            String word = vocabulary[(int) (vocabulary.length * u * u * u)];
            if (sentenceStart) {
                word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
            }
            boolean end = random.nextInt(12) == 0;
            String token = word + (end ? "." : "");
            if (width > 0 && out.length() - lineStart + token.length() + 1 > width) {
                out.append('\n');
                lineStart = out.length();
            } else if (out.length() > 0) {
                out.append(' ');
            }
            out.append(token);
            sentenceStart = end;
        }
        out.setLength(length);
        // Never end on a line break or leave a line starting with a dot: harmless, but keep it plain.
        return out.toString().stripTrailing();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
