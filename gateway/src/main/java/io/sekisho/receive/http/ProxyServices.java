package io.sekisho.receive.http;

import io.sekisho.receive.InspectionPool;
import io.sekisho.config.HttpConfig;

import java.util.Locale;

/**
 * What every proxy connection shares: configuration, the seam, the bounded pool, users, the
 * destination connector and (when http.tls.ca is set) the interception CA.
 *
 * @param users        null when http.users is not set (the user is then the client address)
 * @param interception null when http.tls.ca is not set (CONNECT then passes through, reported)
 */
record ProxyServices(HttpConfig config, UploadProcessor processor, InspectionPool pool, ProxyUsers users,
                     Upstream upstream, Interception interception) {

    /** How a CONNECT to {@code host} is handled: null to intercept, else the {@link TunnelReport} reason. */
    String passThroughReason(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (matches(config.tls().passThrough(), h)) {
            return TunnelReport.PASS_THROUGH;
        }
        if (interception == null) {
            return TunnelReport.NO_CA;
        }
        if (!config.tls().intercept().contains("all") && !matches(config.tls().intercept(), h)) {
            return TunnelReport.NOT_INTERCEPTED;
        }
        return null;
    }

    /** A host matches an entry that is the host itself or a domain it is in. */
    static boolean matches(java.util.List<String> entries, String host) {
        for (String e : entries) {
            String d = e.toLowerCase(Locale.ROOT);
            if (host.equals(d) || host.endsWith("." + d)) {
                return true;
            }
        }
        return false;
    }
}
