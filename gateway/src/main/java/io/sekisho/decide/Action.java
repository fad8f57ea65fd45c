package io.sekisho.decide;

import java.util.Locale;

/**
 * What the gateway does with a transfer. The order of the constants is their severity: when
 * several rules match, the most severe action wins (see the policy README for ties).
 */
public enum Action {
    /** Let it go; nothing is recorded unless a rule asks for it. */
    ALLOW,
    /** Let it go, and record it in the audit log. */
    LOG,
    /** Refuse for now (SMTP 451, HTTP 503): the sender may retry; used when inspection cannot run. */
    TEMPFAIL,
    /** Hold it, encrypted, for a security team to release or delete; the sender is told. */
    QUARANTINE,
    /** Refuse it (SMTP 550, HTTP 403) and record it. */
    BLOCK;

    /** The word used in policies, JSON and audit records. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Action of(String id) {
        for (Action a : values()) {
            if (a.id().equals(id)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown action '" + id + "' (allow, log, tempfail, quarantine or block)");
    }

    /** True when the transfer does not go on now. */
    public boolean stops() {
        return this == TEMPFAIL || this == QUARANTINE || this == BLOCK;
    }
}
