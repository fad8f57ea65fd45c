package io.sekisho.receive.smtp;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.sekisho.config.SmtpConfig;
import io.sekisho.transfer.PartContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The conversation with one client (RFC 5321): greeting, EHLO/HELO, the mail transaction
 * (MAIL, RCPT, DATA), RSET, NOOP, VRFY, QUIT and STARTTLS (RFC 3207). It keeps the state, chooses
 * the replies (all from {@link SmtpReplies}) and hands complete messages to
 * {@link MessageDelivery}. Framing is {@link SmtpInput}'s concern, timeouts {@link SmtpTimeouts}'.
 *
 * <p>Everything here runs on the channel's event loop; the end-of-data reply comes back from the
 * inspection executor through {@code eventLoop().execute}.
 */
final class SmtpSession extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(SmtpSession.class);

    /** Fired by {@link SmtpServer} at stop: idle sessions get 421 now, busy ones after their reply. */
    static final Object SHUTDOWN = new Object();

    private final SmtpConfig config;
    private final SslContext tlsContext;
    private final MessageDelivery delivery;

    private ChannelHandlerContext ctx;
    private String id;
    private SmtpInput input;
    private SmtpTimeouts timeouts;

    private String heloName;
    private boolean tls;
    private String mailFrom;
    private boolean smtpUtf8;
    private boolean eightBit;
    private final List<String> recipients = new ArrayList<>();
    private MessageSpool spool;
    private boolean spoolFailed;
    private boolean busy;
    private boolean shuttingDown;

    SmtpSession(SmtpConfig config, SslContext tlsContext, MessageDelivery delivery) {
        this.config = config;
        this.tlsContext = tlsContext;
        this.delivery = delivery;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.id = ctx.channel().id().asShortText();
        this.input = ctx.pipeline().get(SmtpInput.class);
        this.timeouts = ctx.pipeline().get(SmtpTimeouts.class);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        reply(SmtpReplies.greeting(config.hostname()));
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!busy) {
            discardSpool();
        }
        log.info("[{}] closed", id);
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == SHUTDOWN) {
            shuttingDown = true;
            if (!busy) {
                closeWith(SmtpReplies.SHUTTING_DOWN);
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.warn("[{}] {}", id, cause.toString());
        ctx.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof SmtpInputEvent.CommandLine line) {
                command(line.text());
            } else if (msg instanceof SmtpInputEvent.BadLine bad) {
                reply(bad.reply());
            } else if (msg instanceof SmtpInputEvent.DataChunk chunk) {
                data(chunk);
            } else if (msg instanceof SmtpInputEvent.DataEnd end) {
                endOfData(end);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void command(String line) {
        SmtpCommand c = SmtpCommand.parse(line);
        switch (c.verb()) {
            case "EHLO" -> ehlo(c, true);
            case "HELO" -> ehlo(c, false);
            case "MAIL" -> mail(c);
            case "RCPT" -> rcpt(c);
            case "DATA" -> dataCommand(c);
            case "RSET" -> {
                if (!c.argument().isEmpty()) {
                    reply(SmtpReplies.NO_ARGUMENT_ALLOWED);
                    return;
                }
                resetTransaction();
                reply(SmtpReplies.OK);
            }
            case "NOOP" -> reply(SmtpReplies.OK);
            case "VRFY" -> reply(SmtpReplies.VRFY);
            case "QUIT" -> closeWith(SmtpReplies.BYE);
            case "STARTTLS" -> startTls(c);
            case "EXPN", "HELP", "TURN", "ETRN", "AUTH", "BDAT", "ATRN" -> reply(SmtpReplies.NOT_IMPLEMENTED);
            default -> reply(SmtpReplies.SYNTAX_ERROR);
        }
    }

    private void ehlo(SmtpCommand c, boolean extended) {
        if (c.argument().isEmpty() || c.argument().contains(" ")) {
            reply(SmtpReplies.HELO_ARGUMENT);
            return;
        }
        resetTransaction();
        heloName = c.argument();
        if (!extended) {
            reply(new SmtpReply(250, null, config.hostname()));
            return;
        }
        SmtpReplies.SmtpEhlo ehlo = SmtpReplies.ehlo(config.hostname())
                .offer("SIZE " + config.maxMessageBytes())
                .offer("8BITMIME")
                .offer("PIPELINING")
                .offer("ENHANCEDSTATUSCODES")
                .offer("SMTPUTF8");
        if (tlsContext != null && !tls) {
            ehlo.offer("STARTTLS");
        }
        reply(ehlo.reply());
    }

    private void mail(SmtpCommand c) {
        if (heloName == null) {
            reply(SmtpReplies.HELO_FIRST);
            return;
        }
        if (mailFrom != null) {
            reply(SmtpReplies.NESTED_MAIL);
            return;
        }
        SmtpCommand.PathArgument path = SmtpCommand.PathArgument.parse(c.argument(), "FROM:");
        if (path == null) {
            reply(SmtpReplies.BAD_SENDER);
            return;
        }
        boolean utf8 = false;
        boolean eight = false;
        for (Map.Entry<String, String> p : path.parameters().entrySet()) {
            switch (p.getKey()) {
                case "SIZE" -> {
                    long size;
                    try {
                        size = Long.parseLong(p.getValue());
                    } catch (NumberFormatException e) {
                        reply(SmtpReplies.BAD_PARAMETER);
                        return;
                    }
                    if (size > config.maxMessageBytes()) {
                        reply(SmtpReplies.messageTooBig(config.maxMessageBytes()));
                        return;
                    }
                }
                case "BODY" -> {
                    if (p.getValue().equalsIgnoreCase("8BITMIME")) {
                        eight = true;
                    } else if (!p.getValue().equalsIgnoreCase("7BIT")) {
                        reply(SmtpReplies.BAD_PARAMETER);
                        return;
                    }
                }
                case "SMTPUTF8" -> {
                    if (!p.getValue().isEmpty()) {
                        reply(SmtpReplies.BAD_PARAMETER);
                        return;
                    }
                    utf8 = true;
                }
                default -> {
                    reply(SmtpReplies.BAD_PARAMETER);
                    return;
                }
            }
        }
        if (!utf8 && !path.ascii()) {
            reply(SmtpReplies.NEEDS_SMTPUTF8);
            return;
        }
        mailFrom = path.address();
        smtpUtf8 = utf8;
        eightBit = eight;
        reply(SmtpReplies.SENDER_OK);
    }

    private void rcpt(SmtpCommand c) {
        if (mailFrom == null) {
            reply(SmtpReplies.MAIL_FIRST);
            return;
        }
        SmtpCommand.PathArgument path = SmtpCommand.PathArgument.parse(c.argument(), "TO:");
        if (path == null || path.address().isEmpty()) {
            reply(SmtpReplies.BAD_RECIPIENT);
            return;
        }
        if (!path.parameters().isEmpty()) {
            reply(SmtpReplies.BAD_PARAMETER);
            return;
        }
        if (!smtpUtf8 && !path.ascii()) {
            reply(SmtpReplies.NEEDS_SMTPUTF8);
            return;
        }
        if (recipients.size() >= config.maxRecipients()) {
            reply(SmtpReplies.TOO_MANY_RECIPIENTS);
            return;
        }
        recipients.add(path.address());
        reply(SmtpReplies.RECIPIENT_OK);
    }

    private void dataCommand(SmtpCommand c) {
        if (!c.argument().isEmpty()) {
            reply(SmtpReplies.NO_ARGUMENT_ALLOWED);
            return;
        }
        if (mailFrom == null) {
            reply(SmtpReplies.MAIL_FIRST);
            return;
        }
        if (recipients.isEmpty()) {
            reply(SmtpReplies.RCPT_FIRST);
            return;
        }
        if (delivery.full()) {
            // Say so before the client sends the message, not after.
            log.warn("[{}] inspection queue full: 451 at DATA", id);
            reply(SmtpReplies.INSPECTION_BUSY);
            return;
        }
        // Nothing is made on disk yet: the message stays in memory unless it outgrows smtp.inMemoryBytes.
        spool = new MessageSpool(config.spoolDir(), config.inMemoryBytes(), delivery.memory());
        spoolFailed = false;
        reply(SmtpReplies.START_DATA);
        input.startData();
        timeouts.expectData();
    }

    private void data(SmtpInputEvent.DataChunk chunk) {
        if (spool == null || spoolFailed) {
            return;
        }
        try {
            spool.write(chunk.content());
        } catch (IOException e) {
            log.error("[{}] spooling the message to {} failed, it will get 451: {}", id, config.spoolDir(), e.toString());
            spoolFailed = true;
        }
    }

    private void endOfData(SmtpInputEvent.DataEnd end) {
        timeouts.expectCommand();
        if (end.bareNewline() || end.lineTooLong() || end.tooBig() || spoolFailed) {
            SmtpReply reply = end.bareNewline() ? SmtpReplies.BARE_NEWLINE_IN_DATA
                    : end.tooBig() ? SmtpReplies.messageTooBig(config.maxMessageBytes())
                    : end.lineTooLong() ? SmtpReplies.DATA_LINE_TOO_LONG
                    : SmtpReplies.LOCAL_ERROR;
            log.warn("[{}] message from <{}> refused before inspection: {}", id, mailFrom, reply);
            resetTransaction();
            reply(reply);
            return;
        }
        PartContent message;
        try {
            message = spool.finish();
        } catch (IOException e) {
            log.error("[{}] closing the spool failed: {}", id, e.toString());
            resetTransaction();
            reply(SmtpReplies.LOCAL_ERROR);
            return;
        }
        SmtpEnvelope envelope = new SmtpEnvelope(UUID.randomUUID().toString(), id, config.hostname(),
                (InetSocketAddress) ctx.channel().remoteAddress(), heloName, mailFrom, recipients, tls, smtpUtf8,
                eightBit, end.size(), Instant.now());
        // Hold back pipelined commands until this message's reply is out.
        busy = true;
        input.pause();
        timeouts.pause();
        boolean queued = delivery.submit(envelope, message, reply -> ctx.channel().eventLoop().execute(() -> finish(reply)));
        if (!queued) {
            log.warn("[{}] inspection queue full: 451 at end of data", id);
            finish(SmtpReplies.INSPECTION_BUSY);
        }
    }

    private void finish(SmtpReply reply) {
        busy = false;
        resetTransaction();
        if (!ctx.channel().isActive()) {
            return;
        }
        reply(reply);
        if (shuttingDown) {
            closeWith(SmtpReplies.SHUTTING_DOWN);
            return;
        }
        timeouts.expectCommand();
        input.resume();
    }

    private void startTls(SmtpCommand c) {
        if (tlsContext == null) {
            reply(SmtpReplies.NO_TLS);
            return;
        }
        if (tls) {
            reply(SmtpReplies.TLS_ALREADY_ACTIVE);
            return;
        }
        if (!c.argument().isEmpty()) {
            reply(SmtpReplies.NO_ARGUMENT_ALLOWED);
            return;
        }
        if (input.hasBufferedInput()) {
            // Commands pipelined after STARTTLS were sent in clear text and would run as if
            // protected (the STARTTLS injection bugs, CVE-2011-0411 and relatives): never run
            // them, and do not start TLS with a client that sends them.
            log.warn("[{}] input pipelined after STARTTLS: closing", id);
            ctx.close();
            return;
        }
        // RFC 3207 4.2: forget everything said before TLS.
        resetTransaction();
        heloName = null;
        tls = true;
        // startTls=true: the 220 below still goes out in clear text, everything after it encrypted.
        ctx.pipeline().addFirst(SmtpServerInitializer.TLS, new SslHandler(tlsContext.newEngine(ctx.alloc()), true));
        reply(SmtpReplies.START_TLS);
    }

    private void resetTransaction() {
        mailFrom = null;
        smtpUtf8 = false;
        eightBit = false;
        recipients.clear();
        discardSpool();
    }

    private void discardSpool() {
        if (spool != null) {
            spool.delete();
            spool = null;
        }
    }

    private void reply(SmtpReply reply) {
        ctx.writeAndFlush(reply);
    }

    private void closeWith(SmtpReply reply) {
        input.pause();
        timeouts.pause();
        ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
    }
}
