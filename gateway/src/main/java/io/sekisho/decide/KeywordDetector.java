package io.sekisho.decide;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A keyword list with proximity: fires where at least {@code atLeast} different words of the list
 * occur within {@code within} characters of each other (case-insensitive, after NFKC). Each
 * such cluster counts once; the search then continues after it.
 */
record KeywordDetector(String id, int minCount, List<Pattern> words, int within, int atLeast) implements Detector {

    static KeywordDetector of(String id, int minCount, List<String> words, Integer within, Integer atLeast) {
        List<Pattern> patterns = new ArrayList<>();
        for (String word : words) {
            String w = java.text.Normalizer.normalize(word.strip(), java.text.Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
            String start = MarkingDetector.isAsciiWordChar(w.charAt(0)) ? "\\b" : "";
            String end = MarkingDetector.isAsciiWordChar(w.charAt(w.length() - 1)) ? "\\b" : "";
            patterns.add(Pattern.compile("(?i)" + start + Pattern.quote(w) + end));
        }
        return new KeywordDetector(id, minCount, patterns, within == null ? Integer.MAX_VALUE : within,
                atLeast == null ? words.size() : atLeast);
    }

    private record Hit(int position, int word) {
    }

    @Override
    public int count(String text) {
        List<Hit> hits = new ArrayList<>();
        for (int w = 0; w < words.size(); w++) {
            Matcher m = words.get(w).matcher(text);
            while (m.find()) {
                hits.add(new Hit(m.start(), w));
            }
        }
        hits.sort(Comparator.comparingInt(Hit::position));
        int clusters = 0;
        int[] inWindow = new int[words.size()];
        int distinct = 0;
        int first = 0;
        for (int i = 0; i < hits.size(); i++) {
            Hit hit = hits.get(i);
            if (inWindow[hit.word()]++ == 0) {
                distinct++;
            }
            while ((long) hit.position() - hits.get(first).position() > within) {
                if (--inWindow[hits.get(first).word()] == 0) {
                    distinct--;
                }
                first++;
            }
            if (distinct >= atLeast) {
                clusters++;
                java.util.Arrays.fill(inWindow, 0);
                distinct = 0;
                first = i + 1;
            }
        }
        return clusters;
    }
}
