package io.sekisho.decide;

import java.util.Locale;

/** Case-insensitive {@code *} wildcards for senders, names and media types; no other special characters. */
record Glob(String pattern) {
    Glob {
        pattern = pattern.strip().toLowerCase(Locale.ROOT);
    }

    boolean matches(String value) {
        return value != null && matches(pattern, 0, value.toLowerCase(Locale.ROOT), 0);
    }

    // Iterative matcher with single-star backtracking: linear enough for short patterns, no regex.
    private static boolean matches(String p, int pi, String s, int si) {
        int star = -1;
        int mark = 0;
        while (si < s.length()) {
            if (pi < p.length() && p.charAt(pi) != '*' && p.charAt(pi) == s.charAt(si)) {
                pi++;
                si++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = si;
            } else if (star >= 0) {
                pi = star + 1;
                si = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }
}
