package io.sekisho.admin;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.joran.spi.JoranException;
import io.sekisho.config.SekishoConfig.LogConfig;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;

/**
 * The log of {@code sekisho serve} as its configuration says ({@code log.format},
 * {@code log.level}): text lines as every command writes them, or one JSON object per line
 * (logback's {@link JsonEncoder}: timestamp in epoch milliseconds, level, thread, logger,
 * {@code mdc} with {@code connectionId} and {@code incidentId} where known, the formatted message,
 * and the exception). Other commands keep the shipped {@code logback.xml}: text, warnings and
 * errors only.
 */
public final class Logging {
    /** The appender {@code logback.xml} declares; replaced, so nothing is written twice. */
    static final String APPENDER = "STDERR";
    /** As in {@code logback.xml}. */
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSZ} [%thread] %level %logger - %msg%n";

    private Logging() {
    }

    /** Logs to stderr as {@code config} says. */
    public static void configure(LogConfig config) {
        configure(config, null);
    }

    /**
     * Logs to {@code out} (stderr when null) as {@code config} says. Does nothing when slf4j is
     * bound to another backend than logback (a program embedding the gateway keeps its own).
     */
    public static void configure(LogConfig config, OutputStream out) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Encoder<ILoggingEvent> encoder = config.json() ? json() : text();
        encoder.setContext(context);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender;
        if (out == null) {
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            console.setTarget("System.err");
            appender = console;
        } else {
            appender = new OutputStreamAppender<>();
        }
        appender.setContext(context);
        appender.setName(APPENDER);
        appender.setEncoder(encoder);
        if (out != null) {
            appender.setOutputStream(out);
        }
        appender.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Appender<ILoggingEvent> previous = root.getAppender(APPENDER);
        // The new appender first, so that no line logged meanwhile by another thread is lost.
        root.addAppender(appender);
        if (previous != null) {
            root.detachAppender(previous);
            previous.stop();
        }
        root.setLevel(Level.toLevel(config.level(), Level.INFO));
    }

    /** Back to the shipped {@code logback.xml} (tests that changed the configuration). */
    public static void restoreDefaults() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.reset();
        try {
            new ContextInitializer(context).autoConfig();
        } catch (JoranException e) {
            throw new IllegalStateException("logback.xml does not load: " + e.getMessage(), e);
        }
    }

    private static Encoder<ILoggingEvent> text() {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setPattern(TEXT_PATTERN);
        return encoder;
    }

    private static Encoder<ILoggingEvent> json() {
        JsonEncoder encoder = new JsonEncoder();
        // What a log pipeline indexes: when, how severe, where, the ids, what happened. The raw
        // pattern, its arguments, sequence numbers and logback's context are noise there.
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        return encoder;
    }
}
