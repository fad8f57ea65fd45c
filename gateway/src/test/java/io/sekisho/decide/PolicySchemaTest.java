package io.sekisho.decide;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The JSON Schema that editors use names exactly the keys the loader accepts. */
class PolicySchemaTest {
    private static final JsonNode SCHEMA = read();

    private static JsonNode read() {
        try {
            return new ObjectMapper().readTree(Path.of("..", "policies", "policy.schema.json").toFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Set<String> keys(Class<? extends Record> type) {
        Set<String> keys = new TreeSet<>();
        for (RecordComponent c : type.getRecordComponents()) {
            JsonProperty p = c.getAccessor().getAnnotation(JsonProperty.class);
            keys.add(p != null ? p.value() : c.getName());
        }
        return keys;
    }

    private static Set<String> properties(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.get("properties").fieldNames().forEachRemaining(names::add);
        return new TreeSet<>(names);
    }

    @Test
    void theSchemaNamesEveryKeyOfThePolicyLanguageAndNoOther() {
        JsonNode defs = SCHEMA.get("$defs");
        JsonNode when = defs.get("when");
        assertThat(properties(SCHEMA)).isEqualTo(keys(PolicySpec.File.class));
        assertThat(properties(SCHEMA.get("properties").get("destinations"))).isEqualTo(keys(PolicySpec.Destinations.class));
        assertThat(properties(defs.get("release"))).isEqualTo(keys(PolicySpec.Release.class));
        assertThat(properties(defs.get("detector"))).isEqualTo(keys(PolicySpec.Detector.class));
        assertThat(properties(defs.get("detector").get("properties").get("keywords"))).isEqualTo(keys(PolicySpec.Keywords.class));
        assertThat(properties(defs.get("rule"))).isEqualTo(keys(PolicySpec.Rule.class));
        assertThat(properties(when)).isEqualTo(keys(PolicySpec.When.class));
        assertThat(properties(when.get("properties").get("match"))).isEqualTo(keys(PolicySpec.MatchCondition.class));
        assertThat(properties(when.get("properties").get("part"))).isEqualTo(keys(PolicySpec.PartCondition.class));
        assertThat(properties(defs.get("outcome"))).isEqualTo(keys(PolicySpec.Outcome.class));
    }
}
