package io.sekisho.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The values read from one file, by option, with the line each came from (for later checks). */
final class ConfigValues {
    private final Map<Option<?>, Object> values = new HashMap<>();
    private final Map<String, Integer> lines = new HashMap<>();
    private final Set<String> presentSections;

    ConfigValues(Set<String> presentSections) {
        this.presentSections = presentSections;
    }

    void put(Option<?> option, Object value, int line) {
        values.put(option, value);
        lines.put(option.key(), line);
    }

    @SuppressWarnings("unchecked")
    <T> T get(Option<T> option) {
        return (T) values.get(option);
    }

    boolean given(Option<?> option) {
        return lines.containsKey(option.key()) && lines.get(option.key()) > 0;
    }

    int line(Option<?> option) {
        return lines.getOrDefault(option.key(), 0);
    }

    void section(String name, int line) {
        lines.put(name, line);
    }

    int sectionLine(String name) {
        return lines.getOrDefault(name, 1);
    }

    boolean sectionPresent(String section) {
        return presentSections.contains(section);
    }
}
