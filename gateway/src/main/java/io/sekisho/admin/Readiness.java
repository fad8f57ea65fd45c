package io.sekisho.admin;

import io.sekisho.config.HostPort;
import io.sekisho.gateway.Gateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Whether the gateway can take transfers now: what {@code /readyz} answers. Each check names
 * itself, so a probe's body says what is wrong:
 *
 * <ul>
 *   <li>{@value #CATALOGUE}: the catalogue is open (and how many documents it has);</li>
 *   <li>{@value #POLICY}: a policy is loaded (its name and revision);</li>
 *   <li>{@value #AUDIT}: the audit log is open and its last write did not fail. A failed write
 *       makes the gateway not ready for {@link #AUDIT_RETRY}, then ready again so that the next
 *       transfer tries the log again (each transfer it cannot record is deferred, never let
 *       through): without that a gateway taken out of service would never be sent the transfer
 *       that shows the log works again;</li>
 *   <li>{@value #NEXT_HOP}: with the SMTP channel only, smtp.nextHop accepts a TCP connection
 *       within {@link #CONNECT_TIMEOUT}; the answer is kept for {@link #NEXT_HOP_CACHE}, so
 *       frequent probes do not open a connection each.</li>
 * </ul>
 */
final class Readiness {
    static final String CATALOGUE = "catalogue";
    static final String POLICY = "policy";
    static final String AUDIT = "audit";
    static final String NEXT_HOP = "nextHop";

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration NEXT_HOP_CACHE = Duration.ofSeconds(5);
    static final Duration AUDIT_RETRY = Duration.ofSeconds(30);

    /** One check's result; {@code detail} says what was found or what is wrong. */
    record Check(String name, boolean ok, String detail) {
    }

    private final Gateway gateway;
    private final HostPort nextHop;
    private final Clock clock;
    private Check lastNextHop;
    private Instant nextHopCheckedAt;

    Readiness(Gateway gateway, Clock clock) {
        this.gateway = Objects.requireNonNull(gateway, "gateway");
        this.nextHop = gateway.config().smtp() == null ? null : gateway.config().smtp().nextHop();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Runs every check; the gateway is ready when all are ok. */
    List<Check> checks() {
        List<Check> checks = new ArrayList<>();
        checks.add(catalogue());
        checks.add(policy());
        checks.add(audit());
        if (nextHop != null) {
            checks.add(nextHop());
        }
        return checks;
    }

    private Check catalogue() {
        try {
            return new Check(CATALOGUE, true, gateway.catalogueDocumentsNow() + " documents");
        } catch (RuntimeException e) {
            return new Check(CATALOGUE, false, "not open: " + e.getMessage());
        }
    }

    private Check policy() {
        try {
            return new Check(POLICY, true, gateway.policyNow());
        } catch (RuntimeException e) {
            return new Check(POLICY, false, "not loaded: " + e.getMessage());
        }
    }

    private Check audit() {
        if (!gateway.auditOpen()) {
            return new Check(AUDIT, false, "the audit log is closed");
        }
        Instant failed = gateway.auditLastFailure();
        if (failed != null && clock.instant().isBefore(failed.plus(AUDIT_RETRY))) {
            return new Check(AUDIT, false, "the last write failed at " + failed + " (transfers are deferred)");
        }
        return new Check(AUDIT, true, failed == null ? "writable" : "the last write failed at " + failed
                + "; the next transfer tries again");
    }

    private synchronized Check nextHop() {
        Instant now = clock.instant();
        if (lastNextHop != null && now.isBefore(nextHopCheckedAt.plus(NEXT_HOP_CACHE))) {
            return lastNextHop;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(nextHop.host(), nextHop.port()), (int) CONNECT_TIMEOUT.toMillis());
            lastNextHop = new Check(NEXT_HOP, true, nextHop + " accepts connections");
        } catch (IOException | IllegalArgumentException e) {
            lastNextHop = new Check(NEXT_HOP, false, nextHop + " does not accept connections: " + e.getMessage());
        }
        nextHopCheckedAt = now;
        return lastNextHop;
    }
}
