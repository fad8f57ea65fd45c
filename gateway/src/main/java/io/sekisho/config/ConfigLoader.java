package io.sekisho.config;

import io.sekisho.config.ConfigException.Problem;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a configuration file into a {@link SekishoConfig}, or fails with every problem found,
 * each as {@code file:line: key: message}. Keys not declared in {@link ConfigOptions} are errors
 * (a misspelt limit silently left at its default is how gateways end up open).
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    public static SekishoConfig load(Path file) throws ConfigException {
        Path abs = file.toAbsolutePath().normalize();
        String name = file.toString();
        String text;
        try {
            text = Files.readString(abs, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(List.of(new Problem(name, 0, "", "cannot read: " + e.getMessage())));
        }
        return load(abs, name, text);
    }

    /**
     * A configuration from YAML text, validated exactly as a file is: for a gateway built by a program
     * (the demo) on the documented defaults. Relative paths resolve against {@code baseDir}.
     */
    public static SekishoConfig fromYaml(String yaml, Path baseDir) throws ConfigException {
        Path base = baseDir.toAbsolutePath().normalize();
        return load(base.resolve("(built-in configuration)"), "(built-in configuration)", yaml);
    }

    private static SekishoConfig load(Path abs, String name, String text) throws ConfigException {
        YamlNode root;
        try (Reader r = new StringReader(text)) {
            root = YamlNode.parse(r);
        } catch (YamlNode.DuplicateKey e) {
            throw new ConfigException(List.of(new Problem(name, e.line, e.key, "given twice")));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new ConfigException(List.of(new Problem(name, line, "", "not valid YAML: " + e.getOriginalMessage())));
        } catch (IOException e) {
            throw new ConfigException(List.of(new Problem(name, 0, "", "cannot read: " + e.getMessage())));
        }
        List<Problem> problems = new ArrayList<>();
        if (!(root instanceof YamlNode.Mapping top)) {
            throw new ConfigException(List.of(new Problem(name, root.line(), "", "expected a mapping of keys to values")));
        }
        Path baseDir = abs.getParent();
        Set<String> present = new HashSet<>();
        present.add("");
        ConfigValues values = new ConfigValues(present);
        walk(name, "", top, baseDir, values, present, problems);
        for (Option<?> option : ConfigOptions.ALL) {
            if (values.given(option)) {
                continue;
            }
            if (option.required() && present.contains(option.section())) {
                problems.add(new Problem(name, values.sectionLine(option.section()), option.key(), "required: " + option.help()));
            }
            values.put(option, option.defaultValue(), 0);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        SekishoConfig config = SekishoConfig.from(abs, name, values, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    private static void walk(String file, String prefix, YamlNode.Mapping mapping, Path baseDir, ConfigValues values,
                             Set<String> present, List<Problem> problems) {
        for (Map.Entry<String, YamlNode.Entry> e : mapping.entries().entrySet()) {
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            YamlNode.Entry entry = e.getValue();
            if (ConfigOptions.SECTIONS.contains(key)) {
                if (entry.value() instanceof YamlNode.Mapping sub) {
                    present.add(key);
                    values.section(key, entry.keyLine());
                    walk(file, key, sub, baseDir, values, present, problems);
                } else if (entry.value() instanceof YamlNode.Scalar s && s.text() == null) {
                    present.add(key);
                    values.section(key, entry.keyLine());
                } else {
                    problems.add(new Problem(file, entry.keyLine(), key, "is a section: expected keys under it"));
                }
                continue;
            }
            Optional<Option<?>> option = ConfigOptions.ALL.stream().filter(o -> o.key().equals(key)).findFirst();
            if (option.isEmpty()) {
                problems.add(new Problem(file, entry.keyLine(), key, "unknown key" + suggestion(key)));
                continue;
            }
            try {
                values.put(option.get(), option.get().type().parse(entry.value(), baseDir), entry.keyLine());
            } catch (IllegalArgumentException ex) {
                values.put(option.get(), null, entry.keyLine());
                problems.add(new Problem(file, entry.value().line(), key,
                        ex.getMessage() + " (expected " + option.get().type().name() + ")"));
            }
        }
    }

    /** The closest declared key, when a typo is likely: a wrong case or one or two letters off. */
    private static String suggestion(String key) {
        return ConfigOptions.ALL.stream()
                .map(Option::key)
                .filter(k -> k.toLowerCase(Locale.ROOT).equals(key.toLowerCase(Locale.ROOT)) || distance(k, key) <= 2)
                .min(Comparator.comparingInt(k -> distance(k, key)))
                .map(k -> " (did you mean " + k + "?)")
                .orElse("");
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
