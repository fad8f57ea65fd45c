package io.sekisho.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The type of an option: how its YAML value becomes a Java value, and how the type is named in
 * help text. {@link #parse} throws {@link IllegalArgumentException} with a message for the user.
 */
public abstract class ValueType<T> {
    private final String name;

    private ValueType(String name) {
        this.name = name;
    }

    /** The type as shown in documentation: {@code path}, {@code duration}, {@code list of cidr}. */
    public String name() {
        return name;
    }

    abstract T parse(YamlNode node, Path baseDir);

    private static String scalar(YamlNode node) {
        if (!(node instanceof YamlNode.Scalar s) || s.text() == null) {
            throw new IllegalArgumentException("expected a single value");
        }
        return s.text().trim();
    }

    private static <T> ValueType<T> ofScalar(String name, Function<String, T> parser) {
        return new ValueType<>(name) {
            @Override
            T parse(YamlNode node, Path baseDir) {
                return parser.apply(scalar(node));
            }
        };
    }

    public static final ValueType<String> STRING = ofScalar("string", s -> {
        if (s.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
        return s;
    });

    public static final ValueType<String> HOSTNAME = ofScalar("hostname", s -> {
        if (!s.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
            throw new IllegalArgumentException("'" + s + "' is not a host name");
        }
        return s;
    });

    public static final ValueType<String> DOMAIN = ofScalar("domain", s -> {
        if (!s.matches("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+")) {
            throw new IllegalArgumentException("'" + s + "' is not a domain name");
        }
        return s.toLowerCase(Locale.ROOT);
    });

    /** A file or folder; relative paths resolve against the configuration file's folder. */
    public static final ValueType<Path> PATH = new ValueType<>("path") {
        @Override
        Path parse(YamlNode node, Path baseDir) {
            String s = scalar(node);
            if (s.isEmpty()) {
                throw new IllegalArgumentException("must not be empty");
            }
            return baseDir.resolve(s).normalize();
        }
    };

    public static final ValueType<Boolean> BOOLEAN = ofScalar("boolean", s -> switch (s) {
        case "true" -> true;
        case "false" -> false;
        default -> throw new IllegalArgumentException("'" + s + "' is not true or false");
    });

    /** One of a fixed set of words, as written. */
    public static ValueType<String> oneOf(String... words) {
        List<String> allowed = List.of(words);
        String name = String.join(" | ", allowed);
        return ofScalar(name, s -> {
            if (!allowed.contains(s)) {
                throw new IllegalArgumentException("'" + s + "' is not one of " + name);
            }
            return s;
        });
    }

    public static final ValueType<HostPort> HOST_PORT = ofScalar("host:port", HostPort::parse);

    public static final ValueType<Cidr> CIDR = ofScalar("cidr", Cidr::parse);

    public static ValueType<Integer> integer(int min, int max) {
        return ofScalar("integer " + min + ".." + max, s -> {
            int v;
            try {
                v = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + s + "' is not a whole number");
            }
            if (v < min || v > max) {
                throw new IllegalArgumentException(v + " is not between " + min + " and " + max);
            }
            return v;
        });
    }

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|KiB|MB|MiB|GB|GiB)?");

    /** Bytes: a number, or a number with B, KB (1000), KiB (1024), MB, MiB, GB, GiB. */
    public static ValueType<Long> size(long min, long max) {
        return ofScalar("size", s -> {
            Matcher m = SIZE.matcher(s);
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + s + "' is not a size like 25MiB or 10000000");
            }
            long unit = switch (m.group(2) == null ? "B" : m.group(2)) {
                case "KB" -> 1000L;
                case "KiB" -> 1024L;
                case "MB" -> 1000L * 1000;
                case "MiB" -> 1024L * 1024;
                case "GB" -> 1000L * 1000 * 1000;
                case "GiB" -> 1024L * 1024 * 1024;
                default -> 1L;
            };
            long v;
            try {
                v = Math.multiplyExact(Long.parseLong(m.group(1)), unit);
            } catch (ArithmeticException | NumberFormatException e) {
                throw new IllegalArgumentException("'" + s + "' is too large");
            }
            if (v < min || v > max) {
                throw new IllegalArgumentException(s + " is not between " + min + " and " + max + " bytes");
            }
            return v;
        });
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    /** A duration: a number with ms, s, m, h or d ({@code 30s}, {@code 5m}, {@code 90d}). */
    public static ValueType<Duration> duration(Duration min, Duration max) {
        return ofScalar("duration", s -> {
            Matcher m = DURATION.matcher(s);
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + s + "' is not a duration like 30s, 5m or 500ms");
            }
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(s + " is not between " + format(min) + " and " + format(max));
            }
            return d;
        });
    }

    /** A YAML list of {@code element}; a single value is a list of one. */
    public static <E> ValueType<List<E>> listOf(ValueType<E> element) {
        return new ValueType<>("list of " + element.name()) {
            @Override
            List<E> parse(YamlNode node, Path baseDir) {
                if (node instanceof YamlNode.Sequence seq) {
                    List<E> out = new ArrayList<>();
                    for (YamlNode item : seq.items()) {
                        out.add(element.parse(item, baseDir));
                    }
                    return List.copyOf(out);
                }
                return List.of(element.parse(node, baseDir));
            }
        };
    }

    static String format(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        if (s % 86400 == 0 && s > 0) {
            return s / 86400 + "d";
        }
        if (s % 3600 == 0 && s > 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0 && s > 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
