package io.sekisho.config;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * One configuration key, declared once: its dotted name, type, default and help text.
 *
 * @param <T> the Java type of its value
 */
public final class Option<T> {
    private final String key;
    private final ValueType<T> type;
    private final boolean required;
    private final Supplier<T> defaultValue;
    private final String defaultText;
    private final String help;

    private Option(String key, ValueType<T> type, boolean required, Supplier<T> defaultValue, String defaultText,
                   String help) {
        this.key = Objects.requireNonNull(key);
        this.type = Objects.requireNonNull(type);
        this.required = required;
        this.defaultValue = defaultValue;
        this.defaultText = defaultText;
        this.help = Objects.requireNonNull(help);
    }

    /** A key that must be given (when its section is present). */
    static <T> Option<T> required(String key, ValueType<T> type, String help) {
        return new Option<>(key, type, true, () -> null, "required", help);
    }

    /** A key with a fixed default; {@code defaultText} is how documentation writes it. */
    static <T> Option<T> optional(String key, ValueType<T> type, T defaultValue, String defaultText, String help) {
        return new Option<>(key, type, false, () -> defaultValue, defaultText, help);
    }

    /** A key whose default is worked out at load (the host name, the temporary folder). */
    static <T> Option<T> computed(String key, ValueType<T> type, Supplier<T> defaultValue, String defaultText,
                                  String help) {
        return new Option<>(key, type, false, defaultValue, defaultText, help);
    }

    public String key() {
        return key;
    }

    public ValueType<T> type() {
        return type;
    }

    public boolean required() {
        return required;
    }

    /** The default value, or null when the key is required or has no default ("none"). */
    public T defaultValue() {
        return defaultValue.get();
    }

    /** The default as documentation shows it: {@code 25MiB}, {@code none}, {@code required}. */
    public String defaultText() {
        return defaultText;
    }

    public String help() {
        return help;
    }

    /** The section the key belongs to ({@code smtp.tls} for {@code smtp.tls.key}), or "" for the top level. */
    public String section() {
        int dot = key.lastIndexOf('.');
        return dot < 0 ? "" : key.substring(0, dot);
    }

    @Override
    public String toString() {
        return key;
    }
}
