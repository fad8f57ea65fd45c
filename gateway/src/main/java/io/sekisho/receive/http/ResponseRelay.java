package io.sekisho.receive.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * The serverToProxyResponse hop: hands each piece of the destination's response to the client
 * side ({@link ProxyFrontendHandler#serverToProxyResponse}), which reads the next piece only once
 * the previous one is written to the client. Interim 1xx responses are dropped: the proxy already
 * answered the client's {@code Expect: 100-continue} itself.
 */
final class ResponseRelay extends ChannelInboundHandlerAdapter {
    private final ProxyFrontendHandler client;
    private boolean skippingInterim;
    private boolean complete;
    private boolean responseStarted;

    ResponseRelay(ProxyFrontendHandler client) {
        this.client = client;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (complete || !(msg instanceof HttpObject)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse r && r.status().code() / 100 == 1) {
            skippingInterim = !(msg instanceof LastHttpContent);
            ReferenceCountUtil.release(msg);
            ctx.read();
            return;
        }
        if (skippingInterim) {
            skippingInterim = !(msg instanceof LastHttpContent);
            ReferenceCountUtil.release(msg);
            ctx.read();
            return;
        }
        responseStarted = true;
        if (msg instanceof LastHttpContent) {
            complete = true;
        }
        client.serverToProxyResponse((HttpObject) msg, ctx.channel());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof io.netty.handler.timeout.IdleStateEvent && !responseStarted && !complete) {
            // No response head within http.upstreamTimeout: 504. Once the response flows, a slow
            // client (we read upstream only as fast as the client takes it) is not the destination's fault.
            complete = true;
            client.upstreamClosedEarly(ctx.channel(), io.netty.handler.timeout.ReadTimeoutException.INSTANCE);
            ctx.close();
            return;
        }
        if (evt instanceof io.netty.handler.ssl.SslCloseCompletionEvent) {
            // close_notify ends a response read until close, even if the TCP close never comes.
            ctx.close();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!complete) {
            complete = true;
            client.upstreamClosedEarly(ctx.channel(), null);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!complete) {
            complete = true;
            client.upstreamClosedEarly(ctx.channel(), cause);
        }
        ctx.close();
    }
}
