package io.sekisho.deploy;

import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Containers here share the host's network, so Testcontainers has no mapped port to watch, and
 * Postfix's smtp-sink prints nothing when it is ready: the container is up when every given
 * loopback port accepts a connection (polled, bounded by the startup timeout).
 */
final class LoopbackPorts extends AbstractWaitStrategy {
    private final List<Integer> ports;

    private LoopbackPorts(List<Integer> ports) {
        this.ports = ports;
        withStartupTimeout(Duration.ofSeconds(90));
    }

    static LoopbackPorts listening(Integer... ports) {
        return new LoopbackPorts(List.of(ports));
    }

    @Override
    protected void waitUntilReady() {
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        for (int port : ports) {
            while (!accepts(port)) {
                if (!waitStrategyTarget.isRunning()) {
                    throw new IllegalStateException("the container stopped before 127.0.0.1:" + port + " listened:\n"
                            + waitStrategyTarget.getLogs());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("nothing listens on 127.0.0.1:" + port + " after " + startupTimeout
                            + ":\n" + waitStrategyTarget.getLogs());
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
