package io.sekisho.receive.http;

import io.sekisho.receive.InspectionPool;
import io.sekisho.config.HttpConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The HTTP(S) forward proxy listener (http.listen). Requests with a body are inspected through an
 * {@link UploadProcessor} before any byte of the body reaches the destination; CONNECT tunnels are
 * intercepted with the CA in http.tls.ca or passed through and reported.
 */
public final class HttpProxyServer implements AutoCloseable {
    /** How the names of what the proxy and the ICAP service spool in http.spoolDir begin. */
    public static final List<String> SPOOLED = List.of(BodySpool.PREFIX, UploadParts.PREFIX);

    private static final Logger log = LoggerFactory.getLogger(HttpProxyServer.class);

    private final UploadListener listener;
    private final Upstream upstream;

    private HttpProxyServer(UploadListener listener, Upstream upstream) {
        this.listener = listener;
        this.upstream = upstream;
    }

    /**
     * Starts listening on http.listen. {@link IllegalArgumentException} names the key of an unusable
     * setting (spool folder, users file, CA, trust store); {@link IOException} when it cannot bind.
     */
    public static HttpProxyServer start(HttpConfig config, UploadProcessor processor) throws IOException {
        return start(config, processor, HostResolver.SYSTEM);
    }

    /** The same, finding destinations' addresses with {@code resolver} (tests name hosts that DNS does not know). */
    public static HttpProxyServer start(HttpConfig config, UploadProcessor processor, HostResolver resolver)
            throws IOException {
        // First, as before: a spool folder that cannot be made is reported ahead of the other keys.
        // The pool starts no thread until a task comes, so a later bad key leaves nothing running.
        InspectionPool pool = UploadListener.prepare(config);
        ProxyUsers users = null;
        if (config.users() != null) {
            try {
                users = ProxyUsers.load(config.users());
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException("http.users: " + e.getMessage(), e);
            }
        }
        Interception interception = null;
        if (config.tls().ca() != null) {
            try {
                interception = new Interception(InterceptionCa.load(config.tls().ca()), config.tls().leafValidity(),
                        config.tls().certCacheSize());
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException("http.tls.ca: " + e.getMessage(), e);
            }
        } else {
            log.warn("http.tls.ca is not set: every CONNECT tunnel passes uninspected (and is reported)");
        }
        Upstream upstream;
        try {
            upstream = new Upstream(config.upstreamTimeout(), UpstreamTls.context(config.tls().trustStore()), resolver,
                    config.upstreamKeepAlive());
        } catch (Exception e) {
            throw new IllegalArgumentException("http.tls.trustStore: " + e.getMessage(), e);
        }
        ProxyServices services = new ProxyServices(config, processor, pool, users, upstream, interception);
        // Reading is driven by the pipeline (AUTO_READ off): a body is read only as fast as it is spooled.
        HttpProxyServer server = new HttpProxyServer(UploadListener.bind("http.listen", config.listen(), pool, false,
                connections -> new HttpProxyInitializer(services, connections)), upstream);
        log.info("HTTP proxy listening on {}", server.address());
        return server;
    }

    /** The address actually bound. */
    public InetSocketAddress address() {
        return listener.address();
    }

    /** Connections to destinations kept open for a next request now (http.upstreamKeepAlive). */
    public int keptConnections() {
        return upstream.keptConnections();
    }

    /** HTTP requests waiting for an inspection thread now. */
    public int queuedRequests() {
        return listener.queuedRequests();
    }

    @Override
    public void close() {
        listener.close();
        log.info("HTTP proxy stopped");
    }
}
