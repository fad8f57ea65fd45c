package io.sekisho.config;

import java.util.List;
import java.util.stream.Collectors;

/** A configuration that cannot be used; the message lists every problem as {@code file:line: key: message}. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    public ConfigException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    /** One problem: where it is and what is wrong. {@code line} is 0 when the file itself is the problem. */
    public record Problem(String file, int line, String key, String message) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + (key.isEmpty() ? "" : key + ": ") + message;
        }
    }
}
