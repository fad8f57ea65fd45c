package io.sekisho.decide;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyHolderTest {
    private static final String GOOD = "rules:\n  - id: first\n    when: {}\n    action: log\n";

    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();
    private int tick;

    private Path write(Path file, String yaml) throws IOException {
        Files.writeString(file, yaml);
        // File systems with coarse timestamps: move the clock on so each write is a visible change.
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(++tick)));
        return file;
    }

    @Test
    void aChangedFileIsPickedUpOnTheNextLook() throws IOException {
        Path file = write(dir.resolve("p.yaml"), GOOD);
        PolicyHolder holder = new PolicyHolder(file, new PolicyLoader(), warnings::add);
        String first = holder.current().revision();

        write(file, GOOD.replace("first", "second"));

        assertThat(holder.current().ruleIds()).containsExactly("second");
        assertThat(holder.current().revision()).isNotEqualTo(first);
        assertThat(warnings).isEmpty();
    }

    @Test
    void aBrokenRevisionKeepsTheLastGoodPolicyAndIsReportedOnce() throws IOException {
        Path file = write(dir.resolve("p.yaml"), GOOD);
        PolicyHolder holder = new PolicyHolder(file, new PolicyLoader(), warnings::add);
        Policy good = holder.current();

        write(file, GOOD.replace("action: log", "action: explode"));
        assertThat(holder.current()).isSameAs(good);
        write(file, GOOD.replace("action: log", "action: explode"));
        assertThat(holder.current()).isSameAs(good);
        assertThat(holder.reload()).isFalse();

        assertThat(warnings).singleElement().asString()
                .contains("not loaded; still deciding with revision " + good.revision())
                .contains("p.yaml:4: rules[0].action: unknown action 'explode'");

        write(file, GOOD.replace("first", "fixed"));
        assertThat(holder.current().ruleIds()).containsExactly("fixed");
    }

    @Test
    void aDeletedFileKeepsTheLastGoodPolicy() throws IOException {
        Path file = write(dir.resolve("p.yaml"), GOOD);
        PolicyHolder holder = new PolicyHolder(file, new PolicyLoader(), warnings::add);
        Policy good = holder.current();

        Files.delete(file);

        assertThat(holder.current()).isSameAs(good);
        assertThat(holder.reload()).isFalse();
    }

    @Test
    void withoutAGoodFirstPolicyTheHolderRefusesToStart() throws IOException {
        Path file = write(dir.resolve("p.yaml"), "rules: 3\n");

        assertThatThrownBy(() -> new PolicyHolder(file, new PolicyLoader(), warnings::add))
                .isInstanceOf(PolicyException.class).hasMessageStartingWith(file + ":1: rules[0]: expected a mapping");
    }
}
