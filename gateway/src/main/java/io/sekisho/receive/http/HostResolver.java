package io.sekisho.receive.http;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * How the proxy finds a destination's address. Called on an inspection thread (it may block).
 * Only the address comes from here: the host name stays what the client asked for, so the policy
 * classes it, and TLS to it is verified, by that name.
 */
@FunctionalInterface
public interface HostResolver {
    /** The system's resolver (DNS, /etc/hosts). */
    HostResolver SYSTEM = InetAddress::getByName;

    InetAddress resolve(String host) throws UnknownHostException;
}
