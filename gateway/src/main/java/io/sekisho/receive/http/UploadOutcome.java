package io.sekisho.receive.http;

import java.util.Objects;

/**
 * What an {@link UploadProcessor} decided for one request. {@link HttpReplies} (proxy) and
 * {@code IcapReplies} (ICAP) turn it into what the client sees; only {@link Allow} reaches the
 * destination, and then unchanged.
 */
public sealed interface UploadOutcome {

    /** Forward the request as it came (ICAP: 204). */
    record Allow() implements UploadOutcome {
    }

    /** Refuse: 403 with a page saying why and the incident id. */
    record Block(String message, String incidentId) implements UploadOutcome {
        public Block {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(incidentId, "incidentId");
        }
    }

    /** Held for review (the processor stored it): 403 saying so, with the incident id. */
    record Quarantined(String message, String incidentId) implements UploadOutcome {
        public Quarantined {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(incidentId, "incidentId");
        }
    }

    /** Inspection could not run or the policy says wait: 503 (ICAP 503, so the proxy's bypass setting decides). */
    record Tempfail(String message) implements UploadOutcome {
        public Tempfail {
            Objects.requireNonNull(message, "message");
        }
    }

    static UploadOutcome allow() {
        return new Allow();
    }
}
