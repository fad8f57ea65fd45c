package io.sekisho.decide;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

import java.text.Normalizer;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Classification markings ({@code 極秘}, {@code 社外秘}, {@code TOP SECRET}). They match as written,
 * case included, after NFKC on both sides: full-width {@code ＣＯＮＦＩＤＥＮＴＩＡＬ} is the marking,
 * while the word "confidential" in ordinary prose is not. Latin markings must stand as whole
 * words, and a space inside a marking matches any run of white space (a line break in a banner).
 */
record MarkingDetector(String id, int minCount, Pattern pattern, List<String> firstWords) implements Detector {

    static MarkingDetector of(String id, int minCount, List<String> markings) {
        String alternatives = markings.stream().map(MarkingDetector::regex).collect(Collectors.joining("|"));
        List<String> firstWords = markings.stream()
                .map(m -> Normalizer.normalize(m.strip(), Normalizer.Form.NFKC).split("\\s+")[0])
                .distinct().toList();
        return new MarkingDetector(id, minCount, Pattern.compile(alternatives), firstWords);
    }

    private static String regex(String marking) {
        String m = Normalizer.normalize(marking.strip(), Normalizer.Form.NFKC);
        String body = List.of(m.split("\\s+")).stream().map(Pattern::quote).collect(Collectors.joining("\\s+"));
        String start = isAsciiWordChar(m.charAt(0)) ? "\\b" : "";
        String end = isAsciiWordChar(m.charAt(m.length() - 1)) ? "\\b" : "";
        return "(?:" + start + body + end + ")";
    }

    static boolean isAsciiWordChar(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '_');
    }

    @Override
    public int count(String text) {
        // Every marking starts with a literal word, and most content holds none of them: a plain
        // search for those words is many times faster than the regex engine (which dominated the
        // gateway's CPU on large messages), and the regex then only confirms the rare candidates.
        if (firstWords.stream().noneMatch(text::contains)) {
            return 0;
        }
        int n = 0;
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            n++;
        }
        return n;
    }
}
