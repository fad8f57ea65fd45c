package io.sekisho.transfer;

import java.util.Locale;

/** The way a transfer tried to leave. Policies condition on it; audit records name it. */
public enum Channel {
    SMTP, HTTP, ICAP;

    /** The word used in policies, JSON and audit records: {@code smtp}, {@code http}, {@code icap}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Channel of(String id) {
        for (Channel c : values()) {
            if (c.id().equals(id)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown channel '" + id + "' (smtp, http or icap)");
    }
}
