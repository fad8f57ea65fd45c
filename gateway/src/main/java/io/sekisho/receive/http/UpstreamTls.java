package io.sekisho.receive.http;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;
import java.nio.file.Path;

/**
 * The TLS client context for destinations: the JDK's trust store, or the CA certificates in
 * http.tls.trustStore (PEM). Always verifying; the host name is checked by {@link Upstream}. There
 * is deliberately no way to trust everything.
 */
final class UpstreamTls {
    private UpstreamTls() {
    }

    static SslContext context(Path trustStore) throws SSLException {
        SslContextBuilder b = SslContextBuilder.forClient()
                .protocols("TLSv1.3", "TLSv1.2")
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_1_1));
        if (trustStore != null) {
            b.trustManager(trustStore.toFile());
        }
        return b.build();
    }
}
