package io.sekisho.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DemoGatewayTest {
    @Test
    void wideCharactersTakeTwoColumnsSoTheDemoTableStaysAligned() {
        assertThat(DemoGateway.columns("見積依頼: SC-118", 20)).isEqualTo("見積依頼: SC-118" + " ".repeat(4));
        assertThat(DemoGateway.columns("RFQ", 6)).isEqualTo("RFQ   ");
        assertThat(DemoGateway.columns("ｱｲｳ", 4)).as("half-width katakana take one column").isEqualTo("ｱｲｳ ");
        assertThat(DemoGateway.columns("longer than the width", 4)).isEqualTo("longer than the width");
    }
}
