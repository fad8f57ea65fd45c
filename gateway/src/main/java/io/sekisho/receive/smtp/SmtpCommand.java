package io.sekisho.receive.smtp;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A command line split into its verb (upper case) and argument (may be empty). */
record SmtpCommand(String verb, String argument) {

    static SmtpCommand parse(String line) {
        int sp = line.indexOf(' ');
        String verb = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
        String arg = sp < 0 ? "" : line.substring(sp + 1).strip();
        return new SmtpCommand(verb, arg);
    }

    /**
     * The path and parameters of MAIL FROM / RCPT TO ({@code FROM:<a@b> SIZE=10 BODY=8BITMIME}).
     * Keys of parameters are upper case; a parameter without a value maps to "".
     */
    record PathArgument(String address, Map<String, String> parameters) {

        /** Null when the argument is not {@code <prefix>:<path> [params]}. */
        static PathArgument parse(String argument, String prefix) {
            if (argument.length() < prefix.length() || !argument.regionMatches(true, 0, prefix, 0, prefix.length())) {
                return null;
            }
            String rest = argument.substring(prefix.length()).stripLeading();
            if (!rest.startsWith("<")) {
                return null;
            }
            int close = rest.indexOf('>');
            if (close < 0) {
                return null;
            }
            String address = rest.substring(1, close);
            // A source route (<@a,@b:user@c>) is obsolete; RFC 5321 C says to ignore it.
            if (address.startsWith("@")) {
                int colon = address.indexOf(':');
                if (colon < 0) {
                    return null;
                }
                address = address.substring(colon + 1);
            }
            for (int i = 0; i < address.length(); i++) {
                char c = address.charAt(i);
                if (c <= ' ' || c == 0x7f || c == '<') {
                    return null;
                }
            }
            Map<String, String> params = new LinkedHashMap<>();
            String tail = rest.substring(close + 1);
            if (!tail.isEmpty() && !tail.startsWith(" ")) {
                return null;
            }
            for (String p : tail.strip().split(" +")) {
                if (p.isEmpty()) {
                    continue;
                }
                int eq = p.indexOf('=');
                String key = (eq < 0 ? p : p.substring(0, eq)).toUpperCase(Locale.ROOT);
                if (params.put(key, eq < 0 ? "" : p.substring(eq + 1)) != null) {
                    return null;
                }
            }
            return new PathArgument(address, params);
        }

        boolean ascii() {
            return address.chars().allMatch(c -> c < 0x80);
        }
    }
}
