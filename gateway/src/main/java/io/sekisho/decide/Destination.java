package io.sekisho.decide;

import java.util.Locale;
import java.util.Set;

/**
 * One recipient address or destination host, with the classes the policy gives it.
 *
 * @param address  as given (an address, a host, or a URL)
 * @param domain   the domain part, lower-case, without port or trailing dot
 * @param internal inside one of the policy's internal domains
 * @param partners the partner lists whose domains contain it
 */
record Destination(String address, String domain, boolean internal, Set<String> partners) {

    /** Class names usable in {@code when.destination}; partner list names are usable too. */
    static final Set<String> CLASSES = Set.of("internal", "external", "partner", "outside");

    boolean is(String destinationClass) {
        return switch (destinationClass) {
            case "internal" -> internal;
            case "outside" -> !internal;
            case "partner" -> !internal && !partners.isEmpty();
            case "external" -> !internal && partners.isEmpty();
            default -> !internal && partners.contains(destinationClass);
        };
    }

    /** The domain of an address ({@code a@b.example}), a host ({@code b.example:443}) or a URL. */
    static String domainOf(String address) {
        String s = address.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("<") && s.endsWith(">")) {
            s = s.substring(1, s.length() - 1);
        }
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            s = s.substring(scheme + 3);
            int slash = s.indexOf('/');
            s = slash >= 0 ? s.substring(0, slash) : s;
        }
        int at = s.lastIndexOf('@');
        if (at >= 0) {
            s = s.substring(at + 1);
        }
        int colon = s.lastIndexOf(':');
        if (colon >= 0 && !s.startsWith("[")) {
            s = s.substring(0, colon);
        }
        while (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    /** True when {@code domain} is {@code parent} or one of its subdomains. */
    static boolean within(String domain, String parent) {
        return domain.equals(parent) || domain.endsWith("." + parent);
    }
}
