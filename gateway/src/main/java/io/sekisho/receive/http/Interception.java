package io.sekisho.receive.http;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import java.security.KeyPair;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The certificates clients see for intercepted hosts: minted on an inspection thread (never the
 * event loop) from the destination's verified certificate (its DNS and IP names are copied, so
 * the client checks the same names it would have checked), valid for http.tls.leafValidity, kept
 * in a cache bounded by http.tls.certCacheSize and re-minted before they expire. Only HTTP/1.1 is
 * offered by ALPN.
 */
final class Interception {
    /** A cached certificate is re-minted when it has less than this left. */
    static final Duration RENEW_BEFORE = Duration.ofMinutes(30);

    private final InterceptionCa ca;
    private final Duration leafValidity;
    private final Map<String, Leaf> cache;

    private record Leaf(SslContext context, Instant notAfter) {
    }

    Interception(InterceptionCa ca, Duration leafValidity, int cacheSize) {
        this.ca = ca;
        this.leafValidity = leafValidity;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Leaf> eldest) {
                return size() > cacheSize;
            }
        };
    }

    /**
     * The TLS server context for {@code host}; {@code upstreamChain} is the destination's verified
     * chain, or null when verification failed (the client then gets our 502 page, for the host only).
     */
    SslContext serverContext(String host, Certificate[] upstreamChain) throws Exception {
        String key = host + (upstreamChain == null ? "#unverified" : "");
        synchronized (cache) {
            Leaf l = cache.get(key);
            if (l != null && Instant.now().plus(RENEW_BEFORE).isBefore(l.notAfter())) {
                return l.context();
            }
        }
        List<String> names = names(host, upstreamChain);
        KeyPair pair = InterceptionCa.newKeyPair();
        X509Certificate leaf = ca.issue(pair, names, leafValidity);
        SslContext ctx = SslContextBuilder.forServer(pair.getPrivate(), leaf, ca.certificate())
                .protocols("TLSv1.3", "TLSv1.2")
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_1_1))
                .build();
        synchronized (cache) {
            cache.put(key, new Leaf(ctx, leaf.getNotAfter().toInstant()));
        }
        return ctx;
    }

    int cached() {
        synchronized (cache) {
            return cache.size();
        }
    }

    static List<String> names(String host, Certificate[] chain) throws CertificateParsingException {
        List<String> names = new ArrayList<>();
        names.add(host);
        if (chain != null && chain.length > 0 && chain[0] instanceof X509Certificate x) {
            Collection<List<?>> sans = x.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    if ((type == 2 || type == 7) && !names.contains(String.valueOf(san.get(1)))) {
                        names.add(String.valueOf(san.get(1)));
                    }
                }
            }
        }
        return names;
    }
}
