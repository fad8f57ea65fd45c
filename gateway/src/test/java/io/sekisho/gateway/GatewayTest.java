package io.sekisho.gateway;

import io.sekisho.config.ConfigLoader;
import io.sekisho.config.SekishoConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Starting the gateway: what it needs, and how it says what is missing. */
class GatewayTest {
    @TempDir
    static Path shared;
    private static GatewayFixture fixture;

    @TempDir
    Path tmp;

    @org.junit.jupiter.api.BeforeAll
    static void catalogueAndKeys() throws Exception {
        fixture = new GatewayFixture(shared);
    }

    /** The shared catalogue and key, and this test's own folders. */
    private String stages() {
        return "catalogue: " + fixture.catalogue + "\n";
    }

    @Test
    void theBuiltInPolicyIsTheShippedDefaultPolicy() throws Exception {
        assertThat(Gateway.defaultPolicy()).isEqualTo(Files.readAllBytes(Path.of("..", "policies", "default.yaml")));
    }

    @Test
    void aProgramStartsTheGatewayFromYamlTextOnTheDocumentedDefaults() throws Exception {
        SekishoConfig config = ConfigLoader.fromYaml(stages()
                + "smtp: {listen: 127.0.0.1:0, nextHop: 127.0.0.1:1}\n"
                + "audit: {dir: audit}\n"
                + "quarantine: {dir: quarantine, key: " + fixture.quarantineKey + "}\n", tmp);
        try (Gateway g = Gateway.start(config)) {
            assertThat(g.smtpAddress().getPort()).isPositive();
            assertThat(g.catalogueDocuments()).isEqualTo(GatewayFixture.DOCUMENTS.length);
            assertThat(g.policyDescription()).startsWith("default revision ").endsWith("(built in)");
        }
        assertThat(tmp.resolve("audit")).isDirectory();
    }

    @Test
    void whatAnEarlierRunLeftInTheSpoolsIsClearedAndASecondGatewayMayNotShareThem() throws Exception {
        // A killed gateway leaves the transfers it had in hand; none was acknowledged.
        Path spool = Files.createDirectories(tmp.resolve("spool"));
        Path httpSpool = Files.createDirectories(tmp.resolve("http-spool"));
        Files.writeString(spool.resolve("msg-123.eml"), "Subject: never acknowledged\r\n\r\nx\r\n");
        Files.createDirectories(spool.resolve("parts-456").resolve("named"));
        Files.writeString(spool.resolve("parts-456").resolve("named").resolve("plan.docx"), "x");
        Files.writeString(spool.resolve("notes.txt"), "not the gateway's");
        Files.writeString(httpSpool.resolve("body-789.bin"), "x");
        Files.createDirectories(httpSpool.resolve("inspect-1"));
        Files.createDirectories(httpSpool.resolve("upload-2").resolve("named"));

        try (Gateway g = Gateway.start(spooling("audit-1"))) {
            assertThat(spool).isDirectoryNotContaining(f -> f.getFileName().toString().matches("(msg|parts)-.*"));
            assertThat(spool.resolve("notes.txt")).as("not the gateway's, left alone").exists();
            assertThat(httpSpool).isDirectoryNotContaining(f -> f.getFileName().toString().matches("(body|inspect|upload)-.*"));

            // Another gateway on the same spool folders would clear this one's transfers in flight.
            assertThatThrownBy(() -> Gateway.start(spooling("audit-2"))).isInstanceOf(GatewayException.class)
                    .hasMessageStartingWith("smtp.spoolDir: " + spool)
                    .hasMessageContaining("in use by another running gateway");
            assertThat(g.smtpAddress().getPort()).isPositive();
        }
        // Released when the gateway stops (and by the system when its process ends).
        try (Gateway again = Gateway.start(spooling("audit-2"))) {
            assertThat(again.smtpAddress().getPort()).isPositive();
        }
    }

    private SekishoConfig spooling(String audit) throws Exception {
        return ConfigLoader.fromYaml(stages()
                + "smtp: {listen: 127.0.0.1:0, nextHop: 127.0.0.1:1, spoolDir: spool}\n"
                + "http: {listen: 127.0.0.1:0, spoolDir: http-spool}\n"
                + "audit: {dir: " + audit + "}\n"
                + "quarantine: {dir: quarantine, key: " + fixture.quarantineKey + "}\n", tmp);
    }

    @Test
    void aMissingQuarantineKeyIsAnErrorThatNamesTheKeyAndHowToMakeOne() throws Exception {
        SekishoConfig config = ConfigLoader.fromYaml(stages()
                + "smtp: {listen: 127.0.0.1:0, nextHop: 127.0.0.1:1}\n"
                + "audit: {dir: audit}\n"
                + "quarantine: {dir: quarantine, key: missing.key}\n", tmp);

        assertThatThrownBy(() -> Gateway.start(config)).isInstanceOf(GatewayException.class)
                .hasMessageStartingWith("quarantine.key: " + tmp.resolve("missing.key") + " does not exist")
                .hasMessageContaining("sekisho quarantine keygen --key");
        assertThat(tmp.resolve("audit")).as("nothing opened before the check").doesNotExist();
    }

    @Test
    void withoutAnAuditLogTheGatewayDoesNotStart() throws Exception {
        SekishoConfig config = ConfigLoader.fromYaml(stages()
                + "smtp: {listen: 127.0.0.1:0, nextHop: 127.0.0.1:1}\n", tmp);

        assertThatThrownBy(() -> Gateway.start(config)).isInstanceOf(GatewayException.class)
                .hasMessageStartingWith("audit.dir: required by the gateway");
    }

    @Test
    void aPolicyThatDoesNotLoadStopsTheStartNamingItsProblems() throws Exception {
        Files.writeString(tmp.resolve("policy.yaml"), "rules:\n  - id: x\n    when: {destination: [nowhere]}\n    action: allow\n");
        SekishoConfig config = ConfigLoader.fromYaml(stages() + "policy: policy.yaml\n"
                + "smtp: {listen: 127.0.0.1:0, nextHop: 127.0.0.1:1}\n"
                + "audit: {dir: audit}\n"
                + "quarantine: {dir: quarantine, key: " + fixture.quarantineKey + "}\n", tmp);

        assertThatThrownBy(() -> Gateway.start(config)).isInstanceOf(GatewayException.class)
                .hasMessageStartingWith("policy: ").hasMessageContaining("policy.yaml:");
    }
}
