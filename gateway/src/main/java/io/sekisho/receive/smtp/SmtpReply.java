package io.sekisho.receive.smtp;

import java.util.List;

/**
 * One SMTP reply: a code, an enhanced status code (RFC 3463; null where RFC 2034 leaves it out:
 * the greeting and EHLO) and one or more lines of text.
 */
public record SmtpReply(int code, String enhancedCode, List<String> lines) {
    public SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("reply code " + code);
        }
        if (enhancedCode != null && (enhancedCode.isEmpty() || enhancedCode.charAt(0) - '0' != code / 100)) {
            throw new IllegalArgumentException("enhanced code " + enhancedCode + " does not match " + code);
        }
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply has at least one line");
        }
        for (String l : lines) {
            if (l.indexOf('\r') >= 0 || l.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("reply text with a line break");
            }
        }
    }

    public SmtpReply(int code, String enhancedCode, String text) {
        this(code, enhancedCode, List.of(text));
    }

    public boolean positive() {
        return code < 400;
    }

    public boolean transientFailure() {
        return code >= 400 && code < 500;
    }

    /** The reply as the client reads it, CRLF after each line. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            sb.append(code).append(i == lines.size() - 1 ? ' ' : '-');
            if (enhancedCode != null) {
                sb.append(enhancedCode).append(' ');
            }
            sb.append(lines.get(i)).append("\r\n");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return code + (enhancedCode == null ? "" : " " + enhancedCode) + " " + String.join(" / ", lines);
    }
}
