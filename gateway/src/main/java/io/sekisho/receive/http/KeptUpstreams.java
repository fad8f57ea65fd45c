package io.sekisho.receive.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;

/**
 * Connections to destinations kept open between requests (HTTP/1.1 persistent connections), for
 * at most {@code http.upstreamKeepAlive} each (ADR 0018). A new TCP connection per upload cost the
 * proxy, and the destination, a connect, an accept and a close per request.
 *
 * <p>A connection is kept per event loop, destination (scheme, host, port) and nothing else: it
 * belongs to the loop that serves its client connections, so the exchange that takes it runs on
 * the same thread as before. Only a connection whose last response was complete and framed, with
 * the request fully sent and no {@code Connection: close}, is kept ({@link #park}).
 *
 * <p>Why the time is short (2 s by default, against Squid's 1 min): a destination may close a
 * connection it considers idle at the very moment a request is sent on it, and a proxy must not
 * send a POST again by itself (RFC 9110, 9.2.2): that request would fail with 502. Destinations
 * close idle connections after 5 s or more (Apache's default is 5 s, nginx's 75 s), so a
 * connection kept for less is not one they are closing; a destination that ends a connection for
 * another reason says so in its last response ({@code Connection: close}), which is never kept.
 * While kept, a connection is read: the destination's close is seen at once, and anything it
 * sends unasked closes the connection.
 */
final class KeptUpstreams {
    /** Kept connections per loop and destination: more were in use at once only under a burst. */
    static final int PER_DESTINATION = 32;

    private record Key(EventLoop loop, boolean https, String host, int port) {
    }

    private final long keepNanos;
    private final Map<Key, ArrayDeque<Kept>> idle = new HashMap<>(); // guarded by this

    /** {@code keepFor} zero: no connection is kept. */
    KeptUpstreams(Duration keepFor) {
        this.keepNanos = keepFor.toNanos();
    }

    /**
     * A kept connection to the destination on {@code loop}, its responses now going to
     * {@code relay}, or null. Callable from any thread; the most recently kept connection first.
     */
    Channel take(EventLoop loop, boolean https, String host, int port, ChannelHandler relay) {
        if (keepNanos == 0) {
            return null;
        }
        Key key = new Key(loop, https, host, port);
        while (true) {
            Kept k;
            synchronized (this) {
                ArrayDeque<Kept> q = idle.get(key);
                k = q == null ? null : q.pollLast();
                if (q != null && q.isEmpty()) {
                    idle.remove(key);
                }
            }
            if (k == null) {
                return null;
            }
            k.expiry.cancel(false);
            if (k.channel.isActive() && System.nanoTime() - k.since < keepNanos) {
                try {
                    k.channel.pipeline().replace(k, Upstream.RELAY, relay);
                    return k.channel;
                } catch (NoSuchElementException e) {
                    // Closed on its loop a moment ago, its handlers already gone: the next one.
                }
            }
            k.channel.close();
        }
    }

    /**
     * Keeps {@code ch} for the next request to the same destination, or closes it when keeping is
     * off or enough are kept. Called on the channel's event loop once its response is complete.
     */
    void park(Channel ch, boolean https, String host, int port) {
        if (keepNanos == 0 || !ch.isActive()) {
            ch.close();
            return;
        }
        Key key = new Key(ch.eventLoop(), https, host, port);
        Kept k = new Kept(key, ch);
        // Ready before another thread can take it: in the pipeline, with its expiry, reading.
        ch.pipeline().replace(Upstream.RELAY, Upstream.RELAY, k);
        k.expiry = ch.eventLoop().schedule(() -> {
            if (remove(k)) {
                ch.close();
            }
        }, keepNanos, TimeUnit.NANOSECONDS);
        ch.read(); // to see the destination's close (or anything it should not send) while kept
        boolean added;
        synchronized (this) {
            ArrayDeque<Kept> q = idle.computeIfAbsent(key, x -> new ArrayDeque<>());
            added = q.size() < PER_DESTINATION && q.add(k);
        }
        if (!added) {
            k.expiry.cancel(false);
            ch.close();
        }
    }

    /** Connections kept now, for tests and the log. */
    synchronized int kept() {
        int n = 0;
        for (ArrayDeque<Kept> q : idle.values()) {
            n += q.size();
        }
        return n;
    }

    private synchronized boolean remove(Kept k) {
        ArrayDeque<Kept> q = idle.get(k.key);
        if (q == null) {
            return false;
        }
        for (Iterator<Kept> it = q.iterator(); it.hasNext(); ) {
            if (it.next() == k) {
                it.remove();
                if (q.isEmpty()) {
                    idle.remove(k.key);
                }
                return true;
            }
        }
        return false;
    }

    /** The handler of a kept connection: any event but silence ends it. */
    private final class Kept extends ChannelInboundHandlerAdapter {
        final Key key;
        final Channel channel;
        final long since = System.nanoTime();
        volatile ScheduledFuture<?> expiry;

        Kept(Key key, Channel channel) {
            this.key = key;
            this.channel = channel;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg); // a response nobody asked for: the connection is out of step
            end(ctx);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            ReferenceCountUtil.release(evt);
            end(ctx); // idle past http.upstreamTimeout, or the destination's TLS close_notify
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            remove(this);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            end(ctx);
        }

        private void end(ChannelHandlerContext ctx) {
            remove(this);
            ctx.close();
        }
    }
}
