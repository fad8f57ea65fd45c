package io.sekisho.decide;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A YAML file bound strictly to a spec type, remembering the line of every key, so that problems
 * found after binding (an unknown level, a bad regex) can still be reported at their line.
 *
 * <p>Jackson's binding errors carry a location and a path; the validation that follows only has
 * the path, so the parser is walked once more to map every path to the line it starts on.
 */
final class YamlDocument {
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder().build())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final String file;
    private final Map<String, Integer> lines;

    private YamlDocument(String file, Map<String, Integer> lines) {
        this.file = file;
        this.lines = lines;
    }

    /** Binds {@code bytes} to {@code type}; any syntax or type error becomes a located problem. */
    static <T> Bound<T> bind(String file, byte[] bytes, Class<T> type) {
        Map<String, Integer> lines = new HashMap<>();
        try {
            try (JsonParser parser = YAML.getFactory().createParser(bytes)) {
                JsonToken token;
                while ((token = parser.nextToken()) != null) {
                    JsonStreamContext context = parser.getParsingContext();
                    if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                        context = context.getParent();
                    }
                    if (context != null) {
                        lines.putIfAbsent(context.pathAsPointer().toString(), parser.currentTokenLocation().getLineNr());
                    }
                }
            }
        } catch (JsonProcessingException e) {
            throw new PolicyException(List.of(new PolicyProblem(file, line(e.getLocation()), "(yaml)",
                    "invalid YAML: " + firstLine(e.getOriginalMessage()))));
        } catch (IOException e) {
            throw new PolicyException(List.of(new PolicyProblem(file, 1, "(file)", "cannot read: " + e.getMessage())));
        }
        if (lines.isEmpty()) {
            throw new PolicyException(List.of(new PolicyProblem(file, 1, "(file)", "the file is empty")));
        }
        YamlDocument document = new YamlDocument(file, lines);
        try {
            T value = YAML.readValue(bytes, type);
            if (value == null) {
                throw new PolicyException(List.of(new PolicyProblem(file, 1, "(file)", "the file is empty")));
            }
            return new Bound<>(value, document);
        } catch (JsonMappingException e) {
            // Jackson may only notice a problem in a record after reading the whole mapping, so its
            // location can lie below the key; the line map knows where the key itself stands.
            String pointer = pointer(e.getPath());
            Integer line = lines.get(pointer);
            throw new PolicyException(List.of(new PolicyProblem(file, line != null ? line : line(e.getLocation()),
                    displayKey(pointer), mappingMessage(e))));
        } catch (IOException e) {
            throw new PolicyException(List.of(new PolicyProblem(file, line(null), "(file)", "cannot read: " + e.getMessage())));
        }
    }

    record Bound<T>(T value, YamlDocument document) {
    }

    String file() {
        return file;
    }

    /** A problem at a JSON pointer ({@code /rules/2/when}); its line is that of the nearest known key. */
    PolicyProblem problem(String pointer, String message) {
        String p = pointer;
        Integer line = null;
        while (line == null && !p.isEmpty()) {
            line = lines.get(p);
            p = p.substring(0, Math.max(0, p.lastIndexOf('/')));
        }
        return new PolicyProblem(file, line == null ? 1 : line, displayKey(pointer), message);
    }

    /** {@code /rules/2/when/match} as a reader would write it: {@code rules[2].when.match}. */
    static String displayKey(String pointer) {
        StringBuilder sb = new StringBuilder();
        for (String segment : pointer.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            String s = segment.replace("~1", "/").replace("~0", "~");
            if (s.chars().allMatch(Character::isDigit)) {
                sb.append('[').append(s).append(']');
            } else {
                sb.append(sb.length() == 0 ? "" : ".").append(s);
            }
        }
        return sb.length() == 0 ? "(file)" : sb.toString();
    }

    private static String pointer(List<JsonMappingException.Reference> path) {
        StringBuilder pointer = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            pointer.append('/').append(ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()));
        }
        return pointer.toString();
    }

    private static String mappingMessage(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", "));
            return "unknown key '" + u.getPropertyName() + "'" + (known.isEmpty() ? "" : " (known keys here: " + known + ")");
        }
        if (e instanceof InvalidFormatException f) {
            return "expected " + describe(f.getTargetType()) + ", got '" + f.getValue() + "'";
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return "expected " + describe(m.getTargetType());
        }
        return firstLine(e.getOriginalMessage());
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "another value";
        }
        if (type == Long.class || type == Integer.class || type == long.class || type == int.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a text value";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "a mapping of keys to values";
    }

    private static int line(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? 1 : location.getLineNr();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** Collects problems so validation reports all of them at once, not one per attempt. */
    static final class Problems {
        private final YamlDocument document;
        private final List<PolicyProblem> list = new ArrayList<>();

        Problems(YamlDocument document) {
            this.document = document;
        }

        void add(String pointer, String message) {
            list.add(document.problem(pointer, message));
        }

        boolean isEmpty() {
            return list.isEmpty();
        }

        void throwIfAny() {
            if (!list.isEmpty()) {
                // In file order, as an editor's problem list shows them; stable for problems on one line.
                list.sort(java.util.Comparator.comparingInt(PolicyProblem::line));
                throw new PolicyException(list);
            }
        }
    }
}
