package io.sekisho.config;

import java.util.Objects;

/** The {@code icap} section: the REQMOD service for a proxy such as Squid; keys in {@link ConfigOptions}. */
public record IcapConfig(HostPort listen, int previewBytes, int maxConnections) {
    public IcapConfig {
        Objects.requireNonNull(listen, "listen");
    }
}
