package io.sekisho.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value with the line it starts on, so that errors can point at it. Jackson's tree model
 * forgets locations; this small tree keeps them.
 */
sealed interface YamlNode permits YamlNode.Scalar, YamlNode.Mapping, YamlNode.Sequence {
    int line();

    /** A scalar; {@code text} is null for an explicit null ({@code key:} with nothing after it). */
    record Scalar(String text, int line) implements YamlNode {
    }

    /** A mapping, keys in file order, each with the line of the key. */
    record Mapping(Map<String, Entry> entries, int line) implements YamlNode {
    }

    record Sequence(List<YamlNode> items, int line) implements YamlNode {
    }

    record Entry(String key, int keyLine, YamlNode value) {
    }

    /** Parses one YAML document; an empty document is an empty mapping. */
    static YamlNode parse(Reader reader) throws IOException {
        try (JsonParser p = new YAMLFactory().createParser(reader)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return new Mapping(Map.of(), 1);
            }
            return read(p);
        }
    }

    private static YamlNode read(JsonParser p) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                Map<String, Entry> entries = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = p.currentTokenLocation().getLineNr();
                    p.nextToken();
                    YamlNode value = read(p);
                    if (entries.putIfAbsent(key, new Entry(key, keyLine, value)) != null) {
                        throw new DuplicateKey(key, keyLine);
                    }
                }
                return new Mapping(entries, line);
            }
            case START_ARRAY: {
                List<YamlNode> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(p));
                }
                return new Sequence(items, line);
            }
            case VALUE_NULL:
                return new Scalar(null, line);
            default:
                return new Scalar(p.getText(), line);
        }
    }

    /** The same key twice in one mapping: YAML forbids it, and silently taking the last hides mistakes. */
    final class DuplicateKey extends IOException {
        private static final long serialVersionUID = 1L;
        final String key;
        final int line;

        DuplicateKey(String key, int line) {
            super("duplicate key '" + key + "'");
            this.key = key;
            this.line = line;
        }
    }
}
