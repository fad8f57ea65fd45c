package io.sekisho.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;

import org.junit.jupiter.api.Test;

class ExtractionLimitsTest {

    @Test
    void loadsEveryLimitFromTheCheckedInFile() {
        ExtractionLimits limits = ExtractionLimits.defaults();

        assertThat(limits.maxFileBytes()).isEqualTo(100L * 1024 * 1024);
        assertThat(limits.maxNestingDepth()).isEqualTo(10);
        assertThat(limits.maxEmbeddedEntries()).isEqualTo(10_000);
        assertThat(limits.maxCharactersPerFile()).isEqualTo(20_000_000);
        assertThat(limits.wallTimeMillis()).isEqualTo(60_000);
        assertThat(limits.maxCompressionRatio()).isEqualTo(100);
        assertThat(limits.zipBombThresholdCharacters()).isEqualTo(1_000_000);
        assertThat(limits.workerHeap()).isEqualTo("512m");
        assertThat(limits.workerCount()).as("auto: one per core, 2 to 8")
                .isEqualTo(Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors())));
        assertThat(limits.maxInProcessTextBytes()).isEqualTo(2 * 1024 * 1024);
    }

    @Test
    void takesANumberOfWorkersAsWellAsAuto() {
        Properties properties = defaultsAsProperties();
        properties.setProperty("worker.count", "5");

        assertThat(ExtractionLimits.fromProperties(properties).workerCount()).isEqualTo(5);
        properties.setProperty("worker.count", "several");
        assertThatThrownBy(() -> ExtractionLimits.fromProperties(properties))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("worker.count: not a whole number: several");
    }

    @Test
    void survivesTheRoundTripToAWorkersArguments() {
        ExtractionLimits limits = ExtractionLimits.defaults().withWorkerHeap("128m").withWallTimeMillis(3_000);
        Properties properties = new Properties();
        properties.putAll(limits.toMap());

        assertThat(ExtractionLimits.fromProperties(properties)).isEqualTo(limits);
    }

    @Test
    void rejectsABadValueNamingItsKey() {
        Properties properties = defaultsAsProperties();
        properties.setProperty("max.nesting.depth", "deep");

        assertThatThrownBy(() -> ExtractionLimits.fromProperties(properties))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("max.nesting.depth:");
    }

    @Test
    void rejectsAMissingKeyNamingIt() {
        Properties properties = defaultsAsProperties();
        properties.remove("wall.time.per.file.ms");

        assertThatThrownBy(() -> ExtractionLimits.fromProperties(properties))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("wall.time.per.file.ms: missing");
    }

    @Test
    void rejectsOutOfRangeValuesNamingTheirKeys() {
        ExtractionLimits limits = ExtractionLimits.defaults();

        assertThatThrownBy(() -> limits.withWorkerCount(0)).hasMessageStartingWith("worker.count:");
        assertThatThrownBy(() -> limits.withMaxInProcessTextBytes(-1)).hasMessageStartingWith("in.process.text.max.bytes:");
        assertThatThrownBy(() -> limits.withWorkerHeap("lots")).hasMessageStartingWith("worker.heap:");
        assertThatThrownBy(() -> limits.withMaxCompressionRatio(-1))
                .hasMessageStartingWith("zip.bomb.max.compression.ratio:");
    }

    private static Properties defaultsAsProperties() {
        Properties properties = new Properties();
        properties.putAll(ExtractionLimits.defaults().toMap());
        return properties;
    }
}
