package io.sekisho.receive.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.DefaultByteBufHolder;

/** What {@link SmtpInput} hands the session: command lines, bad lines, message data, end of data. */
sealed interface SmtpInputEvent {

    /** A command line, CRLF removed. */
    record CommandLine(String text) implements SmtpInputEvent {
    }

    /** A command line that cannot be a command: too long, or ended by a bare LF or holding a bare CR. */
    record BadLine(SmtpReply reply) implements SmtpInputEvent {
    }

    /** Message content, dots unstuffed, line ends as received. The receiver releases it. */
    final class DataChunk extends DefaultByteBufHolder implements SmtpInputEvent {
        DataChunk(ByteBuf content) {
            super(content);
        }

        @Override
        public ByteBufHolder replace(ByteBuf content) {
            return new DataChunk(content);
        }
    }

    /**
     * The end of data ({@code CRLF.CRLF}) arrived. The flaws make the message refused whatever it
     * says; content past {@code maxMessageBytes} was counted but not passed on.
     */
    record DataEnd(long size, boolean bareNewline, boolean lineTooLong, boolean tooBig) implements SmtpInputEvent {
    }
}
