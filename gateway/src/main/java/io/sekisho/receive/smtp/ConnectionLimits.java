package io.sekisho.receive.smtp;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/** Counts open connections, in total and per client address, against smtp.maxConnections[PerClient]. */
final class ConnectionLimits {
    enum Admission { ADMITTED, TOO_MANY, TOO_MANY_FROM_CLIENT }

    private final int maxTotal;
    private final int maxPerClient;
    private final Map<InetAddress, Integer> perClient = new HashMap<>();
    private int total;

    ConnectionLimits(int maxTotal, int maxPerClient) {
        this.maxTotal = maxTotal;
        this.maxPerClient = maxPerClient;
    }

    synchronized Admission admit(InetAddress client) {
        if (total >= maxTotal) {
            return Admission.TOO_MANY;
        }
        int n = perClient.getOrDefault(client, 0);
        if (n >= maxPerClient) {
            return Admission.TOO_MANY_FROM_CLIENT;
        }
        perClient.put(client, n + 1);
        total++;
        return Admission.ADMITTED;
    }

    synchronized void release(InetAddress client) {
        perClient.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
        total--;
    }

    synchronized int open() {
        return total;
    }
}
