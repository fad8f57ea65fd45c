package io.sekisho.decide;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

/** A regular expression, compiled by RE2/J so that matching is linear in the text whatever the pattern. */
record RegexDetector(String id, int minCount, Pattern pattern) implements Detector {
    @Override
    public int count(String text) {
        int n = 0;
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            n++;
        }
        return n;
    }
}
